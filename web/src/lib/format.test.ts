import { describe, expect, it } from "vitest";
import { formatDuration, formatToken, shortAddress } from "./format.ts";

describe("format", () => {
  it("shortens addresses", () => {
    expect(shortAddress("0x1234567890abcdef1234567890abcdef12345678")).toBe("0x1234…5678");
  });
  it("formats token amounts with grouping and trimmed fractions", () => {
    expect(formatToken(1234500000000000000000n)).toBe("1,234.5 EAI");
    expect(formatToken(10n ** 18n, "")).toBe("1");
    expect(formatToken("1")).toBe("0 EAI");
  });
  it("formats durations with the two largest units", () => {
    expect(formatDuration(90061)).toBe("1d 1h");
    expect(formatDuration(61)).toBe("1m 1s");
    expect(formatDuration(0)).toBe("0s");
  });
});
