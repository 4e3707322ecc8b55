// The server's Prometheus metrics (prom-client), in one registry that every layer records into
// and `GET /metrics` exposes. Gauges that mirror live state read it when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'cours_docker_' });

/** Live sessions by state and warm-pool size, read from the session layer at each scrape. */
export interface SessionCounts {
  starting: number;
  preparing: number;
  ready: number;
  failed: number;
  pool: number;
}

let sessionSource: (() => SessionCounts) | undefined;

/** The session layer registers where the session gauges read from. */
export function observeSessions(source: () => SessionCounts): void {
  sessionSource = source;
}

export const sessionsGauge = new Gauge({
  name: 'cours_docker_sessions',
  help: 'Live sessions by state',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const counts = sessionSource?.();
    for (const state of ['starting', 'preparing', 'ready', 'failed'] as const)
      this.set({ state }, counts?.[state] ?? 0);
  },
});

export const poolGauge = new Gauge({
  name: 'cours_docker_pool_sandboxes',
  help: 'Warm-pool sandboxes ready for a student',
  registers: [registry],
  collect() {
    this.set(sessionSource?.().pool ?? 0);
  },
});

export const sandboxStartSeconds = new Histogram({
  name: 'cours_docker_sandbox_start_seconds',
  help: 'Time to start a sandbox until its inner engine answers',
  labelNames: ['pooled'] as const,
  buckets: [0.5, 1, 1.5, 2, 3, 5, 10, 20, 40, 60],
  registers: [registry],
});

export const checkSeconds = new Histogram({
  name: 'cours_docker_check_duration_seconds',
  help: 'Duration of step checks, by TP and result',
  labelNames: ['lab', 'result'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [registry],
});

export const terminalBytes = new Counter({
  name: 'cours_docker_terminal_bytes_total',
  help: 'Bytes through the terminals: keystrokes in, shell output out',
  labelNames: ['direction'] as const,
  registers: [registry],
});

export const websocketConnections = new Gauge({
  name: 'cours_docker_websocket_connections',
  help: 'Open terminal WebSocket connections',
  registers: [registry],
});

export const httpRequests = new Counter({
  name: 'cours_docker_http_requests_total',
  help: 'HTTP requests by route, method and status',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});

export const refusedConnections = new Counter({
  name: 'cours_docker_refused_connections_total',
  help: 'Connections and WebSockets refused because their client address held too many',
  labelNames: ['listener', 'kind'] as const,
  registers: [registry],
});

export const shedRequests = new Counter({
  name: 'cours_docker_shed_requests_total',
  help: 'New work refused with a 503 while the event loop was overloaded',
  labelNames: ['route'] as const,
  registers: [registry],
});
