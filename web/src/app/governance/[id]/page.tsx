import type { Metadata } from "next";
import Link from "next/link";
import { shortProposalId } from "@/lib/governance.ts";
import { ProposalDetail } from "./proposal-detail.tsx";

type Params = { params: Promise<{ id: string }> };

const PROPOSAL_ID = /^\d{1,78}$/;

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  return { title: PROPOSAL_ID.test(id) ? `Proposal ${shortProposalId(id)}` : "Proposal not found" };
}

export default async function ProposalPage({ params }: Params) {
  const { id } = await params;
  if (!PROPOSAL_ID.test(id) || BigInt(id) >= 2n ** 256n) {
    return (
      <>
        <h1>Proposal not found</h1>
        <p className="error">
          &quot;{id.slice(0, 100)}&quot; is not a proposal id: expected a decimal number below 2^256.
        </p>
        <p>
          <Link href="/governance">Back to governance</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Proposal {shortProposalId(id)}</h1>
      <p className="muted mono">Id {id}</p>
      <ProposalDetail id={id} />
    </>
  );
}
