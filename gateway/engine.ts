/**
 * The SDK as the gateway uses it: every call bounded in time, Temporal's "unavailable" turned into EngineUnavailable
 * (503 with Retry-After), and the covenant of a traject looked up once (a traject never changes region).
 */
import type { TenancyClient, TrajectStatus } from '../client';
import { TidwError } from '../platform/errors';
import type { Covenant } from '../machines';
import { EngineUnavailable } from './errors';

/** gRPC codes that mean "the engine is not there right now". */
const UNAVAILABLE = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

function isUnavailable(err: unknown): boolean {
  if (err instanceof TidwError) return false;
  const e = err as
    { code?: unknown; cause?: { code?: unknown }; name?: string; message?: string } | undefined;
  if (typeof e?.code === 'number' && UNAVAILABLE.has(e.code)) return true;
  if (typeof e?.cause?.code === 'number' && UNAVAILABLE.has(e.cause.code)) return true;
  return /ECONNREFUSED|UNAVAILABLE|DEADLINE_EXCEEDED|Connection refused/i.test(e?.message ?? '');
}

export class Engine {
  private readonly regions = new Map<string, string>();

  constructor(
    readonly sdk: TenancyClient,
    private readonly timeoutMs: number,
  ) {}

  /** Runs one SDK call; answers EngineUnavailable when it takes longer than the configured time or cannot connect. */
  async call<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EngineUnavailable(`the engine did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([work(), late]);
    } catch (err) {
      if (isUnavailable(err))
        throw new EngineUnavailable('the engine (Temporal or its worker) is unreachable');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A traject's status and the covenant it runs under. */
  async statusWithCovenant(clientRef: string): Promise<{ status: TrajectStatus; covenant: Covenant }> {
    const status = await this.call(() => this.sdk.status(clientRef));
    this.remember(clientRef, status.region);
    return { status, covenant: this.sdk.covenant(status.region) };
  }

  /**
   * The covenant a traject runs under, from memory after the first look; that look reads the traject's region
   * attribute (the server answers it without a worker round trip), not its whole status.
   */
  async covenantOf(clientRef: string): Promise<Covenant> {
    let region = this.regions.get(clientRef);
    if (!region) {
      region = await this.call(() => this.sdk.region(clientRef));
      this.remember(clientRef, region);
    }
    return this.sdk.covenant(region);
  }

  private remember(clientRef: string, region: string): void {
    if (this.regions.size >= 10_000) this.regions.delete(this.regions.keys().next().value!);
    this.regions.set(clientRef, region);
  }
}
