import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getAddress } from "viem";
import { shortAddress } from "@/lib/format.ts";
import { parseAddressParam } from "@/lib/route-params.ts";
import { ProviderProfile } from "./provider-profile.tsx";

type Props = { params: Promise<{ address: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const address = parseAddressParam((await params).address);
  return { title: address ? `Provider ${shortAddress(getAddress(address))}` : "Invalid provider address" };
}

/** One provider: standing, resources, stake, operators, history charts and recent tasks. */
export default async function ProviderPage({ params }: Props) {
  const { address: raw } = await params;
  const address = parseAddressParam(raw);
  if (!address) notFound();
  return <ProviderProfile address={getAddress(address)} />;
}
