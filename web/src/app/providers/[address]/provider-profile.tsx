"use client";
import Link from "next/link";
import type { Address } from "viem";
import { formatUnits } from "viem";
import { LineChart } from "@/components/charts.tsx";
import { useWebConfig } from "@/components/config-context.tsx";
import { formatBps, formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { providerDetailSchema, type ProviderDetail, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { describeResources } from "@/lib/resources.ts";
import { StandingBadge, standingOf } from "../standing.tsx";
import { ProviderAuditsSection } from "./provider-audits.tsx";
import styles from "../providers.module.css";

/** "YYYY-MM-DD HH:MM" (UTC): labels of history points, several of which can fall on one day. */
function pointLabel(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace("T", " ");
}

const eaiNumber = (wei: string | bigint) => Number(formatUnits(BigInt(wei), 18));
const eaiText = (v: number) => `${v.toLocaleString("en-US", { maximumFractionDigits: 2 })} EAI`;

/** Chart series from a provider's history: scores, cumulative earnings of recent tasks, stake. */
export function providerHistory(p: ProviderDetail) {
  const scores = p.reputationHistory.filter(
    (e) => e.kind === "updated" && e.trust !== null && e.availability !== null,
  );
  const paid = p.recentClaims
    .filter((c) => c.outcome === "paid" && c.payout !== null)
    .sort((a, b) => a.updatedAt - b.updatedAt);
  let total = 0n; // summed in wei: float sums drift (1.6 + 0.8 = 2.4000000000000004)
  const earnings = paid.map((c) => {
    total += BigInt(c.payout ?? "0");
    return { label: pointLabel(c.updatedAt), value: eaiNumber(total) };
  });
  const stake = [...p.stakeHistory]
    .filter((s) => s.stakeAfter !== null)
    .sort((a, b) => a.timestamp - b.timestamp)
    .map((s) => ({ label: pointLabel(s.timestamp), value: eaiNumber(s.stakeAfter ?? "0") }));
  return {
    scores: {
      labels: scores.map((e) => pointLabel(e.timestamp)),
      trust: scores.map((e) => (e.trust ?? 0) / 100),
      availability: scores.map((e) => (e.availability ?? 0) / 100),
    },
    earnings,
    stake,
  };
}

/**
 * A credit in words: "1.5 EAI" in the deployment's EAI token, else the amount and the token's address (the
 * market also pays in other governed payment tokens).
 */
export function creditText(c: { token: string; amount: string }, eaiToken: string | undefined): string {
  return eaiToken !== undefined && c.token.toLowerCase() === eaiToken.toLowerCase()
    ? formatToken(c.amount)
    : `${formatToken(c.amount, "")} of token ${shortAddress(c.token)}`;
}

/** Everything the profile shows, fed with the indexer's answer; `eaiToken` is the deployment's EAI address. */
export function ProviderProfileView({ p, eaiToken }: { p: ProviderDetail; eaiToken?: string }) {
  const r = p.reputation;
  const history = providerHistory(p);
  const standing = standingOf(p);
  const marketCredit = p.credits.filter((c) => c.ledger === "market");
  return (
    <>
      <section className={styles.section} aria-labelledby="standing-heading">
        <h2 id="standing-heading">Standing</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <StandingBadge standing={standing} />
            {r.suspended && ` until ${formatTime(r.suspendedUntil)}`}
            {r.banned && " — permanently excluded from new tasks"}
          </dd>
          <dt>Tier</dt>
          <dd>{r.tier}</dd>
          <dt>Trust</dt>
          <dd>{formatBps(r.trust)}</dd>
          <dt>Availability</dt>
          <dd>{formatBps(r.availability)}</dd>
          <dt>Tasks</dt>
          <dd>
            {r.completed} completed, {r.failed} failed, {r.violations} violation
            {r.violations === 1 ? "" : "s"} · {p.tasksClaimed} claimed
          </dd>
          <dt>Last heartbeat</dt>
          <dd>
            {p.lastHeartbeat ? formatTime(p.lastHeartbeat) : "never"} ({p.heartbeats} in all)
          </dd>
          <dt>Registered</dt>
          <dd>{p.registeredAt ? formatTime(p.registeredAt) : "not registered"}</dd>
        </dl>
      </section>

      <section className={styles.section} aria-labelledby="resources-heading">
        <h2 id="resources-heading">Machine</h2>
        <dl className="facts">
          <dt>Benchmark class</dt>
          <dd>{p.profile.benchmarkClass ?? "—"}</dd>
          <dt>GPU</dt>
          <dd>{p.profile.gpuModel || "—"}</dd>
          <dt>Resources</dt>
          <dd>{describeResources(p.profile.resources)}</dd>
          <dt>Encryption key (X25519)</dt>
          <dd className="mono">{p.profile.x25519PublicKey ?? "—"}</dd>
          {p.profile.metadataUri ? (
            <>
              <dt>Metadata</dt>
              <dd className="mono">{p.profile.metadataUri}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className={styles.section} aria-labelledby="stake-heading">
        <h2 id="stake-heading">Stake and earnings</h2>
        <dl className="facts">
          <dt>Stake</dt>
          <dd>{formatToken(p.stake.active)}</dd>
          <dt>Locked in bonds</dt>
          <dd>{formatToken(p.stake.locked)}</dd>
          <dt>Unbonding</dt>
          <dd>
            {formatToken(p.stake.unbonding)}
            {BigInt(p.stake.unbonding) > 0n &&
              p.stake.releaseAt > 0 &&
              `, released ${formatTime(p.stake.releaseAt)}`}
          </dd>
          <dt>Slashed</dt>
          <dd>
            {formatToken(p.slashed)} ({p.slashCount} time{p.slashCount === 1 ? "" : "s"})
          </dd>
          <dt>Earnings</dt>
          <dd>{formatToken(p.earningsEai)}</dd>
          <dt>Unwithdrawn market credit</dt>
          <dd>
            {marketCredit.length === 0 ? "none" : marketCredit.map((c) => creditText(c, eaiToken)).join(", ")}
          </dd>
        </dl>
      </section>

      <section className={styles.section} aria-labelledby="operators-heading">
        <h2 id="operators-heading">Operators</h2>
        {p.operators.length === 0 ? (
          <p className="muted">No operator authorised: the provider signs its own claims.</p>
        ) : (
          <ul>
            {p.operators.map((o) => (
              <li key={o.address}>
                <span className="mono">{o.address}</span> —{" "}
                {o.authorized
                  ? `authorised ${formatTime(o.authorizedAt)}`
                  : `revoked ${o.revokedAt ? formatTime(o.revokedAt) : ""}`}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className={styles.section} aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <div className={styles.charts}>
          <LineChart
            title="Trust and availability"
            labelName="Time (UTC)"
            labels={history.scores.labels}
            series={[
              { name: "Trust", values: history.scores.trust },
              { name: "Availability", values: history.scores.availability },
            ]}
            format={(v) => `${v.toLocaleString("en-US", { maximumFractionDigits: 2 })} %`}
            max={100}
          />
          <LineChart
            title="Earnings (recent tasks, cumulative)"
            labelName="Time (UTC)"
            labels={history.earnings.map((e) => e.label)}
            series={[{ name: "Earnings", values: history.earnings.map((e) => e.value) }]}
            format={eaiText}
          />
          <LineChart
            title="Stake"
            labelName="Time (UTC)"
            labels={history.stake.map((s) => s.label)}
            series={[{ name: "Stake", values: history.stake.map((s) => s.value) }]}
            format={eaiText}
          />
        </div>
      </section>

      <section className={styles.section} aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">Recent tasks</h2>
        {p.recentClaims.length === 0 ? (
          <p className="muted">No task claimed yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Recent tasks</caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Claimed</th>
                  <th scope="col">Bond</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Payout</th>
                </tr>
              </thead>
              <tbody>
                {p.recentClaims.map((c) => (
                  <tr key={c.taskId}>
                    <td>
                      <Link href={`/tasks/${c.taskId}`}>Task #{c.taskId}</Link>
                    </td>
                    <td>{formatTime(c.claimedAt)}</td>
                    <td>{formatToken(c.bond)}</td>
                    <td>
                      {c.outcome.replace("_", " ")}
                      {c.penalty ? ` (${c.penalty})` : ""}
                    </td>
                    <td>{c.payout ? formatToken(c.payout) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {p.slashes.length > 0 && (
        <section className={styles.section} aria-labelledby="slashes-heading">
          <h2 id="slashes-heading">Slashes</h2>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Slashes</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Task</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {p.slashes.map((s) => (
                  <tr key={s.id}>
                    <td>{formatTime(s.timestamp)}</td>
                    <td>{s.taskId ? <Link href={`/tasks/${s.taskId}`}>Task #{s.taskId}</Link> : "—"}</td>
                    <td>{s.outcome ?? "—"}</td>
                    <td>{formatToken(s.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

/** The profile page's client part: loads `/providers/:address` and renders it. */
export function ProviderProfile({ address }: { address: Address }) {
  const profile = useIndexerRest(`/providers/${address}`, parser(providerDetailSchema), {
    refetchInterval: 5_000,
  });
  const notIndexed = profile.error instanceof IndexerError && profile.error.status === 404;
  const { deployment } = useWebConfig();
  return (
    <>
      <h1>
        Provider <span title={address}>{shortAddress(address)}</span>
      </h1>
      <p className="mono muted">{address}</p>
      {profile.data ? (
        <>
          <ProviderProfileView p={profile.data} eaiToken={deployment.contracts.EAIToken.address} />
          <ProviderAuditsSection address={address} />
        </>
      ) : notIndexed ? (
        <p role="alert" className="error">
          Provider not found: {address} has never staked or registered as a provider.{" "}
          <Link href="/providers">See all providers</Link>
        </p>
      ) : profile.error ? (
        <p role="alert" className="error">
          {indexerErrorMessage(profile.error)}
        </p>
      ) : (
        <p className="muted">Loading the provider…</p>
      )}
    </>
  );
}
