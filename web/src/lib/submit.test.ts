import { parseEther } from "viem";
import { describe, expect, it, vi } from "vitest";
import { contentAddress } from "@eai/sdk/tasks/request";
import { parseAddress, parseTokenAmount } from "./form-values.ts";
import {
  MAX_INPUT_BYTES,
  parseSubmitForm,
  uploadInput,
  type SubmitContext,
  type SubmitFormValues,
} from "./submit.ts";

const values: SubmitFormValues = {
  reward: "2",
  deadlineHours: "24",
  execMinutes: "60",
  redundancy: "3",
  minTier: "1",
};
const zk: SubmitContext = { mode: "zk", priorityWindow: 30, revealWindow: 600, maxRedundancy: 9 };

describe("form values", () => {
  it("parses token amounts with 18 decimals and bounds", () => {
    expect(parseTokenAmount("1.5")).toEqual({ value: parseEther("1.5") });
    expect(parseTokenAmount("").error).toMatch(/Enter an amount/);
    expect(parseTokenAmount("1e3").error).toMatch(/such as 1 or 0.25/);
    expect(parseTokenAmount("0").error).toMatch(/above zero/);
    expect(parseTokenAmount("0.1234567890123456789").error).toMatch(/18 decimal/);
    expect(parseTokenAmount("5", { max: parseEther("4"), maxLabel: "your balance" }).error).toBe(
      "That is more than your balance (4 EAI).",
    );
  });

  it("parses addresses, rejecting bad checksums and the zero address", () => {
    const a = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
    expect(parseAddress(a)).toEqual({ value: a });
    expect(parseAddress(a.toLowerCase())).toEqual({ value: a.toLowerCase() });
    expect(parseAddress("0x976eA74026E726554dB657fA54763abd0C3a0aa9").error).toMatch(/checksum/);
    expect(parseAddress("0x1234").error).toMatch(/40 hex digits/);
    expect(parseAddress(`0x${"0".repeat(40)}`).error).toMatch(/zero address/);
  });
});

describe("parseSubmitForm", () => {
  it("turns the form into wei and seconds", () => {
    expect(parseSubmitForm(values, { ...zk, balance: parseEther("10") })).toEqual({
      ok: true,
      value: { reward: parseEther("2"), deadlineIn: 86_400, execWindow: 3600, redundancy: 1, minTier: 1 },
    });
    const redundant = parseSubmitForm({ ...values, redundancy: "5" }, { ...zk, mode: "redundant" });
    expect(redundant.ok && redundant.value.redundancy).toBe(5);
  });

  it("names each invalid field with what is expected", () => {
    const errors = (v: Partial<SubmitFormValues>, ctx: Partial<SubmitContext> = {}) => {
      const r = parseSubmitForm({ ...values, ...v }, { ...zk, ...ctx });
      return r.ok ? {} : r.errors;
    };
    expect(errors({}, { balance: parseEther("1") }).reward).toMatch(/more than your balance/);
    expect(errors({ execMinutes: "0" }).execMinutes).toMatch(/between 1 min/);
    expect(errors({ minTier: "4" }).minTier).toMatch(/between 1 and 3/);
    expect(errors({ redundancy: "4" }, { mode: "redundant" }).redundancy).toMatch(/odd/);
    expect(errors({ redundancy: "11" }, { mode: "redundant" }).redundancy).toMatch(/between 3 and 9/);
    // 1 h exec window + 30 s priority + 2 min slack > 1 h deadline.
    expect(errors({ deadlineHours: "1" }).deadlineHours).toMatch(/at least 1h 2m/);
    // REDUNDANT adds the reveal window.
    expect(errors({ deadlineHours: "1.05" }, { mode: "redundant" }).deadlineHours).toMatch(/reveal window/);
    expect(errors({ deadlineHours: "1.05" }).deadlineHours).toBeUndefined();
  });
});

describe("uploadInput", () => {
  it("PUTs the bytes to /api/blobs/<sha256> and checks the acknowledgement", async () => {
    const bytes = new TextEncoder().encode('{"v":1}');
    const ref = await contentAddress(bytes);
    const fetchImpl = vi.fn(async (url: string, init?: RequestInit) => {
      expect(url).toBe(`/api/blobs/${ref.sha256}`);
      expect(init?.method).toBe("PUT");
      expect(new Uint8Array(init?.body as Uint8Array)).toEqual(bytes);
      return new Response(JSON.stringify({ sha256: ref.sha256, size: bytes.length }), { status: 201 });
    });
    expect(await uploadInput(bytes, fetchImpl as unknown as typeof fetch)).toEqual({
      ...ref,
      size: bytes.length,
    });
  });

  it("reports the store's error and a mismatched acknowledgement", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const failing = async () => new Response(JSON.stringify({ error: "store full" }), { status: 507 });
    await expect(uploadInput(bytes, failing as unknown as typeof fetch)).rejects.toThrow(
      /HTTP 507\): store full/,
    );
    const lying = async () => new Response(JSON.stringify({ sha256: "00", size: 3 }), { status: 201 });
    await expect(uploadInput(bytes, lying as unknown as typeof fetch)).rejects.toThrow(/different blob/);
    await expect(uploadInput(new Uint8Array(0))).rejects.toThrow(/empty/);
    await expect(uploadInput(new Uint8Array(MAX_INPUT_BYTES + 1))).rejects.toThrow(/limit is/);
  });
});
