import { API_PREFIX, EVENTS_PATH, TOKEN_HEADER, type MitraBridge } from '../../shared/contract/transport';
import type { Envelope } from '../../shared/contract/errors';

const TOKEN_KEY = 'mitra-desk-token';

/**
 * The token arrives in the address fragment (`#token=...`), which the browser never sends to a
 * server. Keep it for this tab only and take it out of the address bar.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

export type ConnectionState = 'connecting' | 'connected' | 'lost';

/**
 * The web host transport: calls are JSON POSTs, events come over one server-sent-event stream read
 * with fetch (so the token travels in a header, never in a URL). The stream reconnects by itself.
 */
export class WebBridge implements MitraBridge {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState = 'connecting';
  private started = false;

  constructor(private readonly token: string) {}

  async call(name: string, request: unknown): Promise<Envelope> {
    const response = await fetch(`${API_PREFIX}${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: this.token },
      body: JSON.stringify(request ?? {}),
    });
    return (await response.json()) as Envelope;
  }

  on(name: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    this.start();
    return () => set.delete(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.state);
    this.start();
    return () => this.connectionListeners.delete(listener);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.connectionListeners) listener(state);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    void this.streamForever();
  }

  private async streamForever(): Promise<void> {
    let delayMs = 500;
    for (;;) {
      try {
        const response = await fetch(EVENTS_PATH, { headers: { [TOKEN_HEADER]: this.token }, cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        this.setState('connected');
        delayMs = 500;
        await this.read(response.body);
      } catch {
        // fall through to reconnect
      }
      this.setState('lost');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 8_000);
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatchFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private dispatchFrame(frame: string): void {
    let name = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    for (const listener of this.listeners.get(name) ?? []) listener(payload);
  }
}
