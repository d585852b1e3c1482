"use client";
import { useCallback, useEffect, useState } from "react";
import { usePublicClient, useWalletClient } from "wagmi";
import { miningRewardsAbi } from "@eai/sdk/abis";
import {
  claimableEpochs,
  rewardsAddresses,
  type ClaimableEpoch,
  type RewardsAddresses,
} from "@eai/sdk/rewards";
import { useWebConfig } from "@/components/config-context.tsx";
import { formatToken } from "@/lib/format.ts";
import { useWriteGate } from "@/lib/wallet-gate.ts";
import { curvePath, curvePoint, DECAY_CPU_HOURS } from "./curve.ts";

interface Network {
  multiplierWad: bigint;
  cumulativeComputeSeconds: bigint;
  currentEpoch: bigint;
  nextEpochToSettle: bigint;
  carry: bigint;
  totalClaimed: bigint;
}

const GEOMETRY = { width: 560, height: 220, maxCpuHours: 5 * DECAY_CPU_HOURS };

/** The curve with the network's current point marked. */
export function CurveChart({ computeSeconds, multiplier }: { computeSeconds: bigint; multiplier: number }) {
  const cpuHours = Number(computeSeconds) / 3600;
  const here = curvePoint(GEOMETRY, cpuHours);
  return (
    <figure>
      <svg
        viewBox={`-40 -10 ${GEOMETRY.width + 60} ${GEOMETRY.height + 40}`}
        role="img"
        aria-label={`Contribution multiplier: ${multiplier.toFixed(3)}× at ${cpuHours.toLocaleString()} CPU-hours`}
        style={{ width: "100%", maxWidth: 640 }}
      >
        <line x1={0} y1={GEOMETRY.height} x2={GEOMETRY.width} y2={GEOMETRY.height} stroke="currentColor" />
        <line x1={0} y1={0} x2={0} y2={GEOMETRY.height} stroke="currentColor" />
        <text x={-8} y={4} textAnchor="end" fontSize={11}>
          10×
        </text>
        <text x={-8} y={GEOMETRY.height} textAnchor="end" fontSize={11}>
          1×
        </text>
        {[0, 1, 2, 3, 4, 5].map((d) => (
          <text
            key={d}
            x={(d / 5) * GEOMETRY.width}
            y={GEOMETRY.height + 16}
            textAnchor="middle"
            fontSize={11}
          >
            {d}M
          </text>
        ))}
        <path d={curvePath(GEOMETRY)} fill="none" stroke="currentColor" strokeWidth={2} />
        <circle cx={here.x} cy={here.y} r={6} fill="crimson" />
        <text x={here.x + 10} y={Math.max(here.y, 12)} fontSize={12}>
          now: {multiplier.toFixed(3)}×
        </text>
      </svg>
      <figcaption className="muted">
        1 + 9·e^(−C / 1,000,000 CPU-hours), C = cumulative verified compute (x axis: millions of CPU-hours).
      </figcaption>
    </figure>
  );
}

export function RewardsPanel() {
  const config = useWebConfig();
  const publicClient = usePublicClient();
  const { data: walletClient } = useWalletClient();
  const gate = useWriteGate();
  const [network, setNetwork] = useState<Network>();
  const [claimable, setClaimable] = useState<ClaimableEpoch[]>();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();

  let addresses: RewardsAddresses | undefined;
  let missing: string | undefined;
  try {
    addresses = rewardsAddresses(config.deployment);
  } catch (err) {
    missing = (err as Error).message;
  }

  const refresh = useCallback(async () => {
    if (!publicClient || !addresses) return;
    try {
      const r = { address: addresses.rewards, abi: miningRewardsAbi } as const;
      const block = await publicClient.getBlock({ blockTag: "latest" });
      const [multiplierWad, cumulativeComputeSeconds, currentEpoch, nextEpochToSettle, carry, totalClaimed] =
        await Promise.all([
          publicClient.readContract({ ...r, functionName: "currentMultiplier" }),
          publicClient.readContract({ ...r, functionName: "cumulativeComputeSeconds" }),
          publicClient.readContract({ ...r, functionName: "epochAt", args: [block.timestamp] }),
          publicClient.readContract({ ...r, functionName: "nextEpochToSettle" }),
          publicClient.readContract({ ...r, functionName: "carry" }),
          publicClient.readContract({ ...r, functionName: "totalClaimed" }),
        ]);
      setNetwork({
        multiplierWad,
        cumulativeComputeSeconds,
        currentEpoch,
        nextEpochToSettle,
        carry,
        totalClaimed,
      });
      if (gate.account) setClaimable(await claimableEpochs(publicClient, addresses, gate.account));
      setError(undefined);
    } catch (err) {
      setError((err as Error).message.split("\n")[0]);
    }
    // `addresses` is derived from config.deployment, which is in the dependencies
  }, [publicClient, config.deployment, gate.account]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function claimAll() {
    if (!publicClient || !walletClient?.account || !addresses || !gate.account || !claimable) return;
    try {
      for (const c of claimable) {
        setStatus(`Claiming epoch ${c.epoch}…`);
        const hash = await walletClient.writeContract({
          address: addresses.rewards,
          abi: miningRewardsAbi,
          functionName: "claim",
          args: [c.epoch, gate.account, c.amount, c.proof],
          account: walletClient.account,
          chain: walletClient.chain,
        });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`claim of epoch ${c.epoch} reverted`);
      }
      setStatus("Claimed.");
      await refresh();
    } catch (err) {
      setStatus(undefined);
      setError((err as Error).message.split("\n")[0]);
    }
  }

  if (missing) return <p className="error">{missing}</p>;
  const multiplier = network ? Number(network.multiplierWad) / 1e18 : 10;
  const total = claimable?.reduce((s, c) => s + c.amount, 0n) ?? 0n;
  return (
    <>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <section className="card">
        <h2>The contribution curve</h2>
        <CurveChart computeSeconds={network?.cumulativeComputeSeconds ?? 0n} multiplier={multiplier} />
        <dl>
          <dt>Current multiplier</dt>
          <dd>{multiplier.toFixed(4)}×</dd>
          <dt>Verified compute so far</dt>
          <dd>
            {network
              ? `${(Number(network.cumulativeComputeSeconds) / 3600).toLocaleString()} CPU-hours`
              : "—"}
          </dd>
          <dt>Epoch running / next to settle</dt>
          <dd>{network ? `${network.currentEpoch} / ${network.nextEpochToSettle}` : "—"}</dd>
          <dt>Schedule carried over</dt>
          <dd>{network ? formatToken(network.carry) : "—"}</dd>
          <dt>Claimed by everyone</dt>
          <dd>{network ? formatToken(network.totalClaimed) : "—"}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Your rewards</h2>
        {!gate.account ? (
          <p className="hint">Connect a wallet (the provider account) to see and claim its rewards.</p>
        ) : claimable === undefined ? (
          <p className="muted">Recomputing the final epochs from the chain…</p>
        ) : claimable.length === 0 ? (
          <p className="muted">Nothing to claim in the last 30 final epochs.</p>
        ) : (
          <>
            <ul>
              {claimable.map((c) => (
                <li key={c.epoch.toString()}>
                  Epoch {c.epoch.toString()}: {formatToken(c.amount)}
                </li>
              ))}
            </ul>
            <button type="button" className="btn" disabled={!gate.ready} onClick={() => void claimAll()}>
              Claim {formatToken(total)}
            </button>
            {gate.reason ? <p className="hint">{gate.reason}</p> : null}
          </>
        )}
        {status ? <p role="status">{status}</p> : null}
      </section>
    </>
  );
}
