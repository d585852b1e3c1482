import { loadWebConfig } from "@/lib/config.ts";

export const dynamic = "force-dynamic";

/** 200 with the chain id once the app can serve pages (deployment found), 503 with the reason otherwise. */
export async function GET(): Promise<Response> {
  const result = await loadWebConfig();
  if (!result.ok) return Response.json({ ok: false, error: result.error }, { status: 503 });
  return Response.json({ ok: true, chainId: result.config.chainId });
}
