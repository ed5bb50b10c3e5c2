import { afterEach, beforeEach, expect, vi } from "vitest";

export interface CapturedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  /** The fake clock when the request was made. */
  at: number;
}

/** How the stub answers: a status (with headers), a function, a network error, or a hang. */
export type Responder =
  | number
  | { status: number; headers?: Record<string, string>; body?: string }
  | ((request: CapturedRequest) => Response | Promise<Response>)
  | "network-error"
  | "hang";

/**
 * A strict stand-in for global fetch: it answers only URLs a test registered (in order, the
 * last responder repeating) and records everything; any other URL is recorded as unexpected
 * and fails the request, so a test can assert nothing else left the relay.
 */
export class FetchStub {
  readonly requests: CapturedRequest[] = [];
  readonly unexpected: string[] = [];
  private readonly routes = new Map<string, Responder[]>();

  /**
   * One stub for every test of the calling file: installed fresh before each test, and each
   * test fails if anything left the relay for a URL it did not register.
   */
  static useInEachTest(): FetchStub {
    const stub = new FetchStub();
    beforeEach(() => {
      stub.requests.length = 0;
      stub.unexpected.length = 0;
      stub.routes.clear();
      vi.stubGlobal("fetch", stub.fetch);
    });
    afterEach(() => {
      expect(stub.unexpected).toEqual([]);
    });
    return stub;
  }

  /** Answers requests to `url` with the responders in order; the last one repeats. */
  on(url: string, ...responders: Responder[]): this {
    this.routes.set(url, responders.length ? responders : [200]);
    return this;
  }

  to(url: string): CapturedRequest[] {
    return this.requests.filter((r) => r.url === url);
  }

  /** The event ids delivered to `url`, in order. */
  eventIds(url: string): string[] {
    return this.to(url).map((r) => r.headers.get("webhook-id") ?? "");
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const captured: CapturedRequest = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
      at: Date.now(),
    };
    const queue = this.routes.get(request.url);
    if (!queue) {
      this.unexpected.push(`${request.method} ${request.url}`);
      throw new TypeError(`fetch stub: unexpected request to ${request.url}`);
    }
    this.requests.push(captured);
    const responder = (queue.length > 1 ? queue.shift() : queue[0]) as Responder;
    if (responder === "network-error") throw new TypeError("Network connection lost.");
    if (responder === "hang") {
      return new Promise((_, reject) => {
        const signal = init?.signal ?? request.signal;
        signal?.addEventListener("abort", () => reject(signal.reason));
      });
    }
    if (typeof responder === "function") return responder(captured);
    if (typeof responder === "number") {
      // 204 and 304 responses cannot carry a body.
      const body = responder === 204 || responder === 304 ? null : `status ${responder}`;
      return new Response(body, { status: responder });
    }
    return new Response(responder.body ?? null, {
      status: responder.status,
      headers: responder.headers ?? {},
    });
  };
}
