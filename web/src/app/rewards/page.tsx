import type { Metadata } from "next";
import { RewardsPanel } from "./rewards-panel.tsx";

export const metadata: Metadata = { title: "Mining rewards" };

export default function RewardsPage() {
  return (
    <>
      <h1>Mining rewards</h1>
      <p className="muted">
        Providers earn EAI for verified work (accepted ZK proofs, REDUNDANT majorities) on top of task fees.
        Each epoch pays at most its schedule times the contribution multiplier and never more than half of the
        fees the treasury collected in it; every root is recomputed from the chain before you claim.
      </p>
      <RewardsPanel />
    </>
  );
}
