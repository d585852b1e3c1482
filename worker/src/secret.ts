/**
 * A value that must never reach a log line, an error message or JSON output. Every serialisation path
 * (toString, toJSON, util.inspect, template literals) yields "[redacted]"; only `reveal()` gives the value.
 */
import { inspect } from "node:util";

export const REDACTED = "[redacted]";

export class Secret<T> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  /** The secret itself. Pass it straight to the code that needs it; never log it. */
  reveal(): T {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}
