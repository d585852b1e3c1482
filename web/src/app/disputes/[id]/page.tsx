import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { parseUint256Param } from "@/lib/route-params.ts";
import { DisputeDetailPage } from "./dispute-detail.tsx";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = parseUint256Param((await params).id);
  return { title: id === null ? "Invalid dispute id" : `Dispute #${id}` };
}

/** One dispute of an OPTIMISTIC result: parties, bonds, jury rounds with each juror's vote, the verdict. */
export default async function DisputePage({ params }: Props) {
  const { id } = await params;
  const disputeId = parseUint256Param(id);
  if (disputeId === null) notFound();
  return (
    <>
      <h1>Dispute #{disputeId.toString()}</h1>
      <DisputeDetailPage id={disputeId.toString()} />
    </>
  );
}
