// Unit tests of the Dockerfile linter (each rule fires on a bad Dockerfile and stays silent on
// the corrected one) and of the dockerfile-lint check built on it, with a fake sandbox context.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dockerfileLintCheck } from '../../../../server/check/dockerfile-lint-check.ts';
import { lintDockerfile, removesAptLists, type LintFinding } from '../../../../server/check/dockerfile-lint.ts';
import type { CheckContext } from '../../../../server/check/types.ts';

const df = (...lines: string[]): string => `${lines.join('\n')}\n`;
const rules = (text: string): string[] => lintDockerfile(text).map((finding) => finding.rule);
const find = (text: string, rule: string): LintFinding | undefined =>
  lintDockerfile(text).find((finding) => finding.rule === rule);

const clean = df(
  'FROM debian:bookworm-slim',
  'LABEL maintainer="robert@produpot.com"',
  'RUN apt-get update \\',
  '    && apt-get install -y --no-install-recommends apache2 \\',
  '    && rm -rf /var/lib/apt/lists/*',
  'COPY site/ /var/www/html/',
  'WORKDIR /var/www/html',
  'RUN chmod -R a+rX .',
  'CMD ["apachectl", "-D", "FOREGROUND"]',
);

describe('lintDockerfile', () => {
  it('finds nothing in a clean Dockerfile', () => {
    expect(lintDockerfile(clean)).toEqual([]);
  });

  it('reports every bad practice of the TP file, sorted by line, with French messages', () => {
    const findings = lintDockerfile(
      df(
        'FROM debian',
        'MAINTAINER Robert Dupont <robert@produpot.com>',
        'ENV DB_PASSWORD=SuperSecret123',
        'RUN apt-get update',
        'RUN apt-get upgrade -y',
        'RUN apt install -y apache2',
        'ADD site/ /var/www/html/',
        'RUN cd /var/www/html && chmod -R a+rX .',
        'WORKDIR app',
        'USER root',
        'CMD apachectl -D FOREGROUND',
      ),
    );
    expect(findings.map((f) => `${f.line} ${f.rule}`)).toEqual([
      '1 DL3006',
      '2 DL4000',
      '3 SEC001',
      '4 DL3009',
      '5 DL3005',
      '5 DL3059',
      '6 DL3027',
      '6 DL3015',
      '6 DL3059',
      '7 DL3020',
      '8 DL3003',
      '9 DL3000',
      '10 DL3002',
      '11 DL3025',
    ]);
    for (const finding of findings) expect(finding.message).toMatch(/[a-zé]{3,}/);
  });

  describe('DL1000 parse errors', () => {
    it('rejects an empty file', () => {
      expect(lintDockerfile('')).toMatchObject([{ rule: 'DL1000', line: 1, severity: 'error' }]);
      expect(rules('# only a comment\n')).toEqual(['DL1000']);
    });
    it('rejects text that is not a Dockerfile, and only reports that', () => {
      const findings = lintDockerfile('Bonjour tout le monde\n{"a": 1}\n');
      expect(findings.every((f) => f.rule === 'DL1000')).toBe(true);
      expect(findings[0]).toMatchObject({ line: 1, severity: 'error' });
      expect(findings[0]?.message).toContain("n'est pas une instruction Dockerfile");
    });
    it('rejects instructions before FROM, except ARG', () => {
      expect(find(df('RUN echo hi', 'FROM debian:12'), 'DL1000')?.line).toBe(1);
      expect(rules(df('ARG BASE=debian:12', 'FROM $BASE'))).toEqual([]);
    });
    it('rejects a file without FROM', () => {
      expect(rules(df('ARG A=1'))).toEqual(['DL1000']);
    });
  });

  describe('DL3006 / DL3007 base image tag', () => {
    it('warns on a missing tag', () => {
      expect(find(df('FROM debian'), 'DL3006')).toMatchObject({ line: 1, severity: 'warning' });
      expect(find(df('FROM docker.io/library/nginx'), 'DL3006')).toBeDefined();
    });
    it('warns on latest', () => {
      expect(find(df('FROM debian:latest'), 'DL3007')).toMatchObject({ severity: 'warning' });
    });
    it('accepts tags, digests, scratch, variables and earlier stages', () => {
      expect(rules(df('FROM debian:bookworm-slim'))).toEqual([]);
      expect(rules(df('FROM debian@sha256:0123456789abcdef'))).toEqual([]);
      expect(rules(df('FROM scratch'))).toEqual([]);
      expect(rules(df('ARG BASE=debian:12', 'FROM ${BASE}'))).toEqual([]);
      expect(rules(df('FROM golang:1.19 AS builder', 'FROM builder', 'FROM BUILDER'))).toEqual([]);
      expect(rules(df('FROM --platform=linux/amd64 localhost:5000/app:1.0 AS app'))).toEqual([]);
    });
  });

  describe('DL4000 MAINTAINER', () => {
    it('reports MAINTAINER as an error', () => {
      expect(find(df('FROM debian:12', 'MAINTAINER moi'), 'DL4000')).toMatchObject({ line: 2, severity: 'error' });
    });
    it('accepts LABEL maintainer', () => {
      expect(rules(df('FROM debian:12', 'LABEL maintainer="moi@exemple.fr"'))).toEqual([]);
    });
  });

  describe('SEC001 secrets', () => {
    it('reports ENV and ARG holding a secret, in both ENV syntaxes', () => {
      expect(find(df('FROM debian:12', 'ENV DB_PASSWORD=secret'), 'SEC001')).toMatchObject({
        line: 2,
        severity: 'error',
      });
      expect(find(df('FROM debian:12', 'ENV MYSQL_ROOT_PASSWORD secret'), 'SEC001')).toBeDefined();
      expect(find(df('FROM debian:12', 'ARG GITHUB_TOKEN=ghp_123'), 'SEC001')).toBeDefined();
      expect(find(df('FROM debian:12', 'ENV A=1 API_KEY="abc"'), 'SEC001')).toBeDefined();
      expect(find(df('FROM debian:12', 'ENV APIKEY=abc'), 'SEC001')).toBeDefined();
      expect(find(df('ARG SECRET_KEY=abc', 'FROM debian:12'), 'SEC001')).toBeDefined();
    });
    it('reports secrets named in French too', () => {
      for (const name of [
        'MOT_DE_PASSE',
        'DB_MOTDEPASSE',
        'MDP',
        'MDP_ADMIN',
        'JETON_GITLAB',
        'CLE_API',
        'CLE_PRIVEE',
      ]) {
        expect(find(df('FROM debian:12', `ENV ${name}=SuperSecret123`), 'SEC001'), name).toBeDefined();
      }
      // Not every name that contains the letters: MDPX_VERSION, SMDP are not secrets.
      expect(rules(df('FROM debian:12', 'ENV MDPX_VERSION=1 SMDP=2'))).toEqual([]);
    });
    it('reports short names for passwords', () => {
      for (const name of ['DB_PWD', 'PASS', 'DB_PASS', 'PSWD', 'ADMIN_PW']) {
        expect(find(df('FROM debian:12', `ENV ${name}=SuperSecret123`), 'SEC001'), name).toBeDefined();
      }
      // Words that only contain the letters are not secrets.
      expect(rules(df('FROM debian:12', 'ENV PASSENGER_VERSION=6 BYPASS_CACHE=1 PWDX=2'))).toEqual([]);
    });
    it('accepts variables without a value, *_FILE paths and harmless names', () => {
      expect(rules(df('FROM debian:12', 'ARG DB_PASSWORD'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'ENV DB_PASSWORD=""'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'ENV MARIADB_ROOT_PASSWORD_FILE=/run/secrets/db'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'ENV APP_VERSION=1.0 DEBIAN_FRONTEND=noninteractive'))).toEqual([]);
    });
  });

  describe('SEC002 secrets written to a file by a RUN', () => {
    it('reports a secret given a value and written to a file', () => {
      expect(
        find(df('FROM debian:12', 'RUN echo "DB_PASSWORD=SuperSecret123" > /etc/app.env'), 'SEC002'),
      ).toMatchObject({ line: 2, severity: 'error' });
      expect(find(df('FROM debian:12', "RUN printf 'pwd: hunter22\\n' >> /app/config.yml"), 'SEC002')).toBeDefined();
      expect(find(df('FROM debian:12', 'RUN echo token=abc123 | tee /app/.env'), 'SEC002')).toBeDefined();
      expect(find(df('FROM debian:12', 'RUN echo "mot_de_passe = azerty123" > /srv/conf'), 'SEC002')).toBeDefined();
    });
    it('accepts variables, secret mounts, and output that goes nowhere in the image', () => {
      expect(rules(df('FROM debian:12', 'RUN echo "DB_PASSWORD=$DB_PASSWORD" > /etc/app.env'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'RUN echo "password=SuperSecret123" > /dev/null'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'RUN ./configure --with-password-prompt > /tmp/log'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'RUN echo "compass=north" > /etc/boussole'))).toEqual([]);
    });
  });

  describe('DL3009 apt lists', () => {
    it('warns when apt-get update is not followed by rm of the lists in the same RUN', () => {
      expect(
        find(df('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl'), 'DL3009'),
      ).toMatchObject({ line: 2, severity: 'warning' });
    });
    it('accepts the clean-up in the same RUN, also over several lines', () => {
      expect(rules(clean)).toEqual([]);
      expect(
        rules(
          df(
            'FROM debian:12',
            'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
          ),
        ),
      ).toEqual([]);
    });
    it('counts a clean-up in a separate RUN as missing', () => {
      const text = df(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl',
        'RUN rm -rf /var/lib/apt/lists/*',
      );
      expect(find(text, 'DL3009')?.line).toBe(2);
    });
    it('ignores builder stages, whose layers do not reach the final image', () => {
      const text = df(
        'FROM debian:12 AS builder',
        'RUN apt-get update && apt-get install -y --no-install-recommends gcc',
        'FROM scratch',
        'COPY --from=builder /a /a',
      );
      expect(rules(text)).toEqual([]);
    });
    it('accepts a cache mount for the apt lists', () => {
      const text = df(
        'FROM debian:12',
        'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl',
      );
      expect(rules(text)).toEqual([]);
    });
  });

  describe('DL3005 upgrade', () => {
    it('reports apt-get upgrade and dist-upgrade, even with options first', () => {
      expect(find(df('FROM debian:12', 'RUN apt-get -y upgrade'), 'DL3005')).toMatchObject({ severity: 'error' });
      expect(
        find(df('FROM debian:12', 'RUN apt-get -o Dpkg::Options::=--force-confold dist-upgrade -y'), 'DL3005'),
      ).toBeDefined();
    });
    it('does not confuse a package name with the subcommand', () => {
      expect(
        rules(
          df(
            'FROM debian:12',
            'RUN apt-get install -y --no-install-recommends unattended-upgrades && rm -rf /var/lib/apt/lists/*',
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('DL3027 apt', () => {
    it('warns on apt, also after sudo or an assignment', () => {
      expect(find(df('FROM debian:12', 'RUN apt install -y --no-install-recommends curl'), 'DL3027')).toMatchObject({
        severity: 'warning',
      });
      expect(
        find(df('FROM debian:12', 'RUN DEBIAN_FRONTEND=noninteractive apt remove -y curl'), 'DL3027'),
      ).toBeDefined();
    });
    it('accepts apt-get and apt-cache', () => {
      expect(rules(df('FROM debian:12', 'RUN apt-cache policy curl'))).toEqual([]);
    });
  });

  describe('DL3015 --no-install-recommends', () => {
    it('is an info on apt-get install without it', () => {
      expect(find(df('FROM debian:12', 'RUN apt-get install -y curl'), 'DL3015')).toMatchObject({ severity: 'info' });
    });
    it('accepts the option or its apt setting', () => {
      expect(rules(df('FROM debian:12', 'RUN apt-get install -y --no-install-recommends curl'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'RUN apt-get install -y -o APT::Install-Recommends=false curl'))).toEqual([]);
    });
  });

  describe('DL3003 cd', () => {
    it('warns on cd in a RUN', () => {
      expect(find(df('FROM debian:12', 'RUN cd /tmp && make'), 'DL3003')).toMatchObject({
        line: 2,
        severity: 'warning',
      });
      expect(find(df('FROM debian:12', 'RUN make; cd /tmp'), 'DL3003')).toBeDefined();
    });
    it('accepts WORKDIR and words that merely contain cd', () => {
      expect(rules(df('FROM debian:12', 'WORKDIR /tmp', 'RUN echo cdrom abcd'))).toEqual([]);
    });
  });

  describe('DL3002 last USER root', () => {
    it('warns when the final stage ends as root', () => {
      expect(find(df('FROM debian:12', 'USER app', 'USER root'), 'DL3002')).toMatchObject({
        line: 3,
        severity: 'warning',
      });
      expect(find(df('FROM debian:12', 'USER 0:0'), 'DL3002')).toBeDefined();
    });
    it('accepts root followed by another user, and root in a builder stage', () => {
      expect(rules(df('FROM debian:12', 'USER root', 'RUN useradd app', 'USER app'))).toEqual([]);
      expect(rules(df('FROM debian:12 AS b', 'USER root', 'FROM debian:12'))).toEqual([]);
    });
  });

  describe('DL3025 exec form', () => {
    it('warns on CMD and ENTRYPOINT in shell form, with the exec form to write', () => {
      const finding = find(df('FROM debian:12', 'CMD apachectl -D FOREGROUND'), 'DL3025');
      expect(finding).toMatchObject({ line: 2, severity: 'warning' });
      expect(finding?.message).toContain('CMD ["apachectl", "-D", "FOREGROUND"]');
      expect(find(df('FROM debian:12', 'ENTRYPOINT /start.sh'), 'DL3025')).toBeDefined();
    });
    it('treats broken JSON as shell form', () => {
      expect(find(df('FROM debian:12', "CMD ['/start.sh']"), 'DL3025')).toBeDefined();
      expect(find(df('FROM debian:12', 'CMD ["/start.sh"'), 'DL3025')).toBeDefined();
    });
    it('accepts the exec form', () => {
      expect(rules(df('FROM debian:12', 'ENTRYPOINT ["/usr/games/cowsay"]', 'CMD ["hello"]'))).toEqual([]);
    });
  });

  describe('DL3020 ADD', () => {
    it('reports ADD of local files and folders', () => {
      expect(find(df('FROM debian:12', 'ADD index.html /var/www/html/'), 'DL3020')).toMatchObject({
        line: 2,
        severity: 'error',
      });
      expect(find(df('FROM debian:12', 'ADD --chown=1000 ["site", "/srv/"]'), 'DL3020')).toBeDefined();
    });
    it('accepts ADD of local archives and URLs, and COPY', () => {
      expect(rules(df('FROM debian:12', 'ADD rootfs.tar.gz /'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'ADD https://example.org/app.tgz /tmp/'))).toEqual([]);
      expect(rules(df('FROM debian:12', 'COPY index.html /var/www/html/'))).toEqual([]);
    });
  });

  describe('DL3000 WORKDIR', () => {
    it('reports a relative WORKDIR', () => {
      expect(find(df('FROM debian:12', 'WORKDIR app'), 'DL3000')).toMatchObject({ line: 2, severity: 'error' });
      expect(find(df('FROM debian:12', 'WORKDIR "src/app"'), 'DL3000')).toBeDefined();
    });
    it('accepts absolute paths and variables', () => {
      expect(rules(df('FROM debian:12', 'WORKDIR /app', 'WORKDIR "/srv/www"', 'WORKDIR $HOME'))).toEqual([]);
    });
  });

  describe('DL3059 consecutive RUN', () => {
    it('is an info on each RUN that follows a RUN', () => {
      const findings = lintDockerfile(df('FROM debian:12', 'RUN echo 1', 'RUN echo 2', '# note', 'RUN echo 3'));
      expect(findings.map((f) => `${f.line} ${f.rule} ${f.severity}`)).toEqual(['3 DL3059 info', '5 DL3059 info']);
    });
    it('accepts RUNs separated by another instruction', () => {
      expect(rules(df('FROM debian:12', 'RUN echo 1', 'WORKDIR /app', 'RUN echo 2'))).toEqual([]);
    });
  });

  it('reads heredoc and exec-form RUN scripts', () => {
    const heredoc = df('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'apt-get upgrade -y', 'EOF');
    expect(rules(heredoc)).toEqual(expect.arrayContaining(['DL3005', 'DL3009']));
    expect(rules(df('FROM debian:12', 'RUN ["apt-get", "dist-upgrade"]'))).toContain('DL3005');
  });

  describe('linear rewrites', () => {
    // The regex removesAptLists replaces: it backtracks quadratically, fine on short strings.
    const oldCleanUp = /\brm\s+[^;&|]*\/var\/lib\/apt\/lists/;
    const lists = '/var/lib/apt/lists';

    it('finds the apt lists clean-up exactly where the former regex did', () => {
      // Repeated pieces come up more often: about one script in forty is a clean-up.
      const pieces = ['rm', 'rm', 'xrm', '-rm', ' ', ' ', '\t', '\n', ';', '&', '|', '-rf', lists, lists, 'a'];
      const scripts = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((parts) => parts.join(''));
      fc.assert(
        fc.property(scripts, (script) => removesAptLists(script) === oldCleanUp.test(script)),
        { numRuns: 5000 },
      );
      expect(removesAptLists('apt-get update && /bin/rm -rf /var/lib/apt/lists/*')).toBe(true);
      expect(removesAptLists('rm -rf /tmp && ls /var/lib/apt/lists')).toBe(false);
      expect(removesAptLists('xrm -rf /var/lib/apt/lists')).toBe(false);
    });

    it('reads the arguments after many flags (dockerfile-ast drops them in one slice)', () => {
      expect(rules(df('FROM debian:12', 'RUN --mount=type=cache,target=/root --network=none apt-get upgrade'))).toEqual(
        ['DL3005'],
      );
      expect(rules(df('FROM debian:12', `RUN ${'--network=none '.repeat(50)}apt-get upgrade`))).toEqual(['DL3005']);
      expect(rules(df('FROM debian:12 AS b', 'COPY --from=b --chown=1:1 /a /a'))).toEqual([]);
    });
  });
});

function context(
  files: Record<string, string>,
  exec: { exitCode: number; stdout?: string } = { exitCode: 0 },
  calls: string[][] = [],
): CheckContext {
  return {
    readFile: (path) => Promise.resolve(files[path] ?? null),
    exec: (command) => {
      calls.push(command);
      return Promise.resolve({ exitCode: exec.exitCode, stdout: exec.stdout ?? '', stderr: '' });
    },
  };
}

const path = '/root/tp-dockerfile/lint/Dockerfile';

describe('dockerfileLintCheck', () => {
  it('fails with a French message when the file is missing', async () => {
    const result = await dockerfileLintCheck(context({}), { path });
    expect(result.passed).toBe(false);
    expect(result.message).toContain('introuvable');
  });

  it('lists at most five blocking findings, with their line and rule', async () => {
    const text = 'FROM debian\nMAINTAINER moi\nENV DB_PASSWORD=x\nADD a /a\nWORKDIR app\nUSER root\nCMD run\n';
    const result = await dockerfileLintCheck(context({ [path]: text }), { path });
    expect(result.passed).toBe(false);
    const lines = result.message.split('\n');
    expect(lines[0]).toContain('7 problèmes');
    expect(lines[1]).toMatch(/^ligne 1 : DL3006 — /);
    expect(lines.filter((line) => line.startsWith('ligne '))).toHaveLength(5);
    expect(lines.at(-1)).toBe('… et 2 de plus.');
  });

  it('passes when only info findings are left, and counts them', async () => {
    const text = 'FROM debian:12\nRUN apt-get install -y curl\nRUN echo ok\n';
    const result = await dockerfileLintCheck(context({ [path]: text }), { path });
    expect(result).toEqual({
      passed: true,
      message: `Bravo : ${path} ne présente plus aucune erreur ni aucun avertissement. Il reste 2 conseils de niveau info, facultatifs.`,
    });
  });

  it('passes a clean Dockerfile', async () => {
    const result = await dockerfileLintCheck(context({ [path]: 'FROM debian:12\nCMD ["bash"]\n' }), { path });
    expect(result.passed).toBe(true);
    expect(result.message).not.toContain('info');
  });

  describe('with serves: the corrected image must still build and serve the site', () => {
    const clean = 'FROM debian:12\nCMD ["bash"]\n';
    const serves = 'Bienvenue chez Produpot';

    it('builds the Dockerfile’s folder and passes when the page holds the text', async () => {
      const calls: string[][] = [];
      const result = await dockerfileLintCheck(context({ [path]: clean }, { exitCode: 0 }, calls), { path, serves });
      expect(result.passed).toBe(true);
      // The student's text goes as positional parameters, never into the script itself.
      expect(calls[0]?.slice(-3)).toEqual(['/root/tp-dockerfile/lint', serves, '80']);
      expect(calls[0]?.[2]).not.toContain(serves);
    });

    it.each([
      [10, 'E: Unable to locate package apache3', /ne se construit plus \(E: Unable to locate package apache3\)/],
      [11, '', /son conteneur ne démarre pas/],
      [13, '', /a pris plus de 170 s .* relancez la vérification/],
      [12, 'AH00558: apache2', /ne sert plus le site \(« Bienvenue chez Produpot » introuvable sur le port 80\)/],
      [137, '', /n'a pas pu se faire \(code 137\)/],
    ])('fails in French when the script ends with %i', async (exitCode, stdout, message) => {
      const result = await dockerfileLintCheck(context({ [path]: clean }, { exitCode, stdout }), { path, serves });
      expect(result.passed).toBe(false);
      expect(result.message).toMatch(message);
    });

    it('does not build while the linter still finds problems', async () => {
      const calls: string[][] = [];
      await dockerfileLintCheck(context({ [path]: 'FROM debian\n' }, { exitCode: 0 }, calls), { path, serves });
      expect(calls).toEqual([]);
    });
  });

  it('throws on a step without the path option (a content error, not the student’s)', async () => {
    await expect(dockerfileLintCheck(context({}), {})).rejects.toThrow('path');
  });
});
