import type { Metadata } from "next";
import { StakeAndProvide } from "./lazy.tsx";

export const metadata: Metadata = { title: "Stake and provide" };

export default function StakePage() {
  return (
    <>
      <h1>Stake and provide</h1>
      <p className="muted">
        Stake EAI to back the tasks you claim, register your machine as a provider, offer the operator role to
        another account or accept one offered to you, and withdraw what you have earned.
      </p>
      <StakeAndProvide />
    </>
  );
}
