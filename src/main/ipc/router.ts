/**
 * The IPC router: one `dispatch(channel, payload)` behind every transport (Electron IPC,
 * the loopback WebSocket bridge, tests). It refuses unknown channels, validates the
 * payload with the contract's zod schema before any handler runs, and turns every
 * outcome into a `Result`: expected errors keep their code, bugs become `internal` with
 * the stack logged here and never sent.
 */
import { contract, isChannel, type Channel, type ChannelOutput, type ChannelParsed } from '../../shared/contract'
import { AppError, fail, ok, type Result } from '../../shared/errors'

export type Handler<C extends Channel> = (input: ChannelParsed<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C>
export type Handlers = { [C in Channel]: Handler<C> }

export interface Logger {
  error(message: string, err?: unknown): void
  warn(message: string, err?: unknown): void
  info(message: string): void
}

export interface Router {
  dispatch(channel: unknown, payload: unknown): Promise<Result<unknown>>
}

export function createRouter(handlers: Handlers, logger: Logger): Router {
  return {
    async dispatch(channel, payload) {
      if (!isChannel(channel)) return fail({ code: 'validation', message: `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}.` })
      const parsed = contract[channel].input.safeParse(payload === undefined ? {} : payload)
      if (!parsed.success) {
        return fail({
          code: 'validation',
          message: parsed.error.issues[0]?.message ?? 'The request was not valid.',
          details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
        })
      }
      try {
        const handler = handlers[channel] as (input: unknown) => unknown
        return ok(await handler(parsed.data))
      } catch (err) {
        if (err instanceof AppError) return fail(err.toTransferable())
        logger.error(`[engram] ${channel} failed`, err)
        return fail({ code: 'internal', message: 'Something went wrong inside Engram. The details are in the log.' })
      }
    }
  }
}

export const consoleLogger: Logger = {
  error: (m, e) => console.error(m, e ?? ''),
  warn: (m, e) => console.warn(m, e ?? ''),
  info: (m) => console.info(m)
}
