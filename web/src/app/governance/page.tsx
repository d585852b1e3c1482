import type { Metadata } from "next";
import { Governance } from "./lazy.tsx";

export const metadata: Metadata = { title: "Governance" };

export default function GovernancePage() {
  return (
    <>
      <h1>Governance</h1>
      <p className="muted">
        EAI holders govern the protocol&apos;s parameters: delegate your votes, vote on proposals, and propose
        changes. Passed proposals run through the timelock.
      </p>
      <Governance />
    </>
  );
}
