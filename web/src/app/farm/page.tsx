import type { Metadata } from "next";
import { FarmView } from "./farm-view.tsx";

export const metadata: Metadata = { title: "My farm" };

export default function FarmPage() {
  return (
    <>
      <h1>My farm</h1>
      <p className="muted">
        Every worker of your provider — your own key and your operators — with its availability from on-chain
        heartbeats, its live state from its control API, tasks in flight, failures, earnings and slashes;
        commands your grant allows; and grants you give others (signed with your wallet, checked by each
        worker).
      </p>
      <FarmView />
    </>
  );
}
