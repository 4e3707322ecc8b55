# Step arg-env: mon-app:2.0 was built with an ARG APP_VERSION (default other than 2.0), given
# 2.0 by --build-arg and copied into an ENV, so containers see APP_VERSION=2.0.
img=mon-app:2.0
image_exists "$img" ||
  fail "L'image mon-app:2.0 est introuvable : dans /root/tp-dockerfile/app, lancez docker build --build-arg APP_VERSION=2.0 -t mon-app:2.0 ."
# The build history keeps the ARG instruction as written in the Dockerfile (with its default).
arg=$(docker history --no-trunc --format '{{.CreatedBy}}' "$img" 2>/dev/null |
  grep -oE '(^|[[:space:]])ARG APP_VERSION(=[^[:space:]]*)?' | head -n 1)
[ -n "$arg" ] ||
  fail "Le Dockerfile de mon-app:2.0 ne déclare pas ARG APP_VERSION (après le FROM) : la version doit être un argument de construction, ARG APP_VERSION=1.0."
default=${arg#*APP_VERSION}
default=${default#=}
default=${default//\"/}
version=$(image_env "$img" APP_VERSION) ||
  fail "APP_VERSION n'est pas une variable d'environnement de l'image : un ARG disparaît après la construction, recopiez-le avec ENV APP_VERSION=\$APP_VERSION."
[ "$version" = 2.0 ] ||
  fail "Dans l'image, APP_VERSION vaut « $version » au lieu de 2.0 : passez la valeur au build avec --build-arg APP_VERSION=2.0, et recopiez l'ARG avec ENV APP_VERSION=\$APP_VERSION."
[ "$default" != 2.0 ] ||
  fail "La valeur par défaut de l'ARG est déjà 2.0 : remettez ARG APP_VERSION=1.0 dans le Dockerfile et donnez 2.0 avec --build-arg APP_VERSION=2.0."
# A value written in the ENV line would ignore --build-arg: look at the Dockerfile if it is there.
dockerfile=/root/tp-dockerfile/app/Dockerfile
if [ -f "$SANDBOX_ROOT$dockerfile" ] && grep -qiE '^[[:space:]]*ENV[[:space:]]+APP_VERSION[[:space:]=]' "$SANDBOX_ROOT$dockerfile" &&
  ! grep -iE '^[[:space:]]*ENV[[:space:]]+APP_VERSION[[:space:]=]' "$SANDBOX_ROOT$dockerfile" | grep -q '\$'; then
  fail "Dans $dockerfile, ENV APP_VERSION reçoit une valeur écrite en dur : recopiez l'argument de construction avec ENV APP_VERSION=\$APP_VERSION."
fi
pass "Bravo : la valeur 2.0, donnée par --build-arg, est devenue la variable d'environnement APP_VERSION de l'image."
