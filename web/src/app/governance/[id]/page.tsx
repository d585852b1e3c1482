import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { shortProposalId } from "@/lib/governance.ts";
import { parseUint256Param } from "@/lib/route-params.ts";
import { ProposalDetail } from "./lazy.tsx";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  return { title: parseUint256Param(id) === null ? "Proposal not found" : `Proposal ${shortProposalId(id)}` };
}

export default async function ProposalPage({ params }: Params) {
  const { id } = await params;
  if (parseUint256Param(id) === null) notFound();
  return (
    <>
      <h1>Proposal {shortProposalId(id)}</h1>
      <p className="muted mono">Id {id}</p>
      <ProposalDetail id={id} />
    </>
  );
}
