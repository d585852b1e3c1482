"use client";
/**
 * "My farm" (issue #18): the connected account is the owner (provider). Its workers are its own key and its
 * on-chain operators (indexer); online / idle / offline comes from the provider's ProviderRegistry heartbeats
 * (indexed). Live state comes from each worker's control API (docs/WORKER.md, "Remote control"): the owner types
 * each worker's URL (kept in this browser), signs one grant to itself, and the page then reads status and sends the
 * commands the grant allows, each signed with the wallet. Grants for others are signed here and handed over as
 * JSON; revoking bumps the owner's nonce on every worker the page can reach.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { getAddress, isAddress, zeroAddress, type Address } from "viem";
import { useWalletClient } from "wagmi";
import {
  controlClient,
  postRevocation,
  scopeMask,
  signFarmMessage,
  signedGrantSchema,
  toJsonMessage,
  type CommandResult,
  type FarmDomain,
  type Grant,
  type Scope,
  type Signed,
  type TypedDataSigner,
} from "@eai/sdk/farm";
import { LineChart } from "@/components/charts.tsx";
import { useWebConfig } from "@/components/config-context.tsx";
import { GatedButton } from "@/components/gated-button.tsx";
import { formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { parser, providerDetailSchema, type ProviderDetail } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { useWriteGate } from "@/lib/wallet-gate.ts";
import { providerHistory } from "../providers/[address]/provider-profile.tsx";
import {
  allowedCommands,
  farmWorkers,
  heartbeatState,
  loadControlUrls,
  nonceNow,
  saveControlUrls,
  scopeList,
  type FarmWorker,
} from "./farm-state.ts";
import styles from "./farm.module.css";

const eaiText = (v: number) => `${v.toLocaleString("en-US", { maximumFractionDigits: 2 })} EAI`;
const storage = () => (typeof window === "undefined" ? undefined : window.localStorage);
const selfGrantKey = (owner: string, chainId: number) =>
  `eai.farm.selfGrant.${chainId}.${owner.toLowerCase()}`;

function useSigner(): TypedDataSigner | undefined {
  const { chainId } = useWebConfig();
  const { data: wallet } = useWalletClient({ chainId });
  return useMemo(() => {
    if (!wallet?.account) return undefined;
    const account = wallet.account;
    return {
      address: account.address,
      signTypedData: (td) =>
        wallet.signTypedData({ account, ...td } as Parameters<typeof wallet.signTypedData>[0]),
    };
  }, [wallet]);
}

export function FarmView() {
  const gate = useWriteGate();
  const owner = gate.account;
  const profile = useIndexerRest(owner ? `/providers/${owner}` : null, parser(providerDetailSchema), {
    refetchInterval: 5_000,
  });
  if (!owner) return <p className="hint">Connect the provider&apos;s wallet to see its farm.</p>;
  if (profile.error instanceof IndexerError && profile.error.status === 404)
    return <p>{shortAddress(owner)} is not a registered provider yet (see Stake &amp; provide).</p>;
  if (profile.error)
    return (
      <p role="alert" className="error">
        {indexerErrorMessage(profile.error)}
      </p>
    );
  if (!profile.data) return <p className="muted">Loading the farm…</p>;
  return <Farm owner={owner} p={profile.data} />;
}

function Farm({ owner, p }: { owner: Address; p: ProviderDetail }) {
  const { chainId, deployment } = useWebConfig();
  const signer = useSigner();
  const gate = useWriteGate();
  const domain: FarmDomain = { chainId, providerRegistry: deployment.contracts.ProviderRegistry.address };
  const workers = farmWorkers(p);
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [selfGrant, setSelfGrant] = useState<Signed<Grant> | undefined>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setUrls(loadControlUrls(storage()));
    const saved = storage()?.getItem(selfGrantKey(owner, chainId));
    const parsed = saved ? signedGrantSchema.safeParse(JSON.parse(saved)) : undefined;
    if (parsed?.success && parsed.data.message.expiry > nonceNow()) setSelfGrant(parsed.data);
  }, [owner, chainId]);

  const setUrl = (worker: string, url: string) => {
    const key = worker.toLowerCase();
    const next = Object.fromEntries([
      ...Object.entries(urls).filter(([k]) => k !== key),
      ...(url === "" ? [] : [[key, url] as const]),
    ]);
    setUrls(next);
    saveControlUrls(storage(), next);
  };

  const signSelfGrant = async () => {
    if (!signer) return;
    setError(null);
    try {
      const g = await signFarmMessage(signer, domain, "Grant", {
        owner,
        worker: zeroAddress,
        grantee: owner,
        scopes: 15,
        expiry: nonceNow() + 7n * 86_400n,
        nonce: nonceNow(),
      });
      setSelfGrant(g);
      storage()?.setItem(
        selfGrantKey(owner, chainId),
        JSON.stringify({ message: toJsonMessage(g.message), signature: g.signature }),
      );
    } catch (err) {
      setError((err as Error).message.split("\n")[0] ?? "signing failed");
    }
  };

  const state = heartbeatState(p);
  const history = providerHistory(p);
  const penalized = p.recentClaims.filter((c) => c.outcome === "penalized");
  const pending = p.recentClaims.filter((c) => c.outcome === "pending");
  return (
    <>
      <section className={styles.section} aria-labelledby="farm-summary">
        <h2 id="farm-summary">Provider {shortAddress(owner)}</h2>
        <p>
          Heartbeats:{" "}
          <span
            className={`${styles.state} ${styles[state === "never seen" ? "offline" : state] ?? ""}`}
            data-testid="provider-availability"
          >
            {state}
          </span>
          {p.lastHeartbeat ? ` (last ${formatTime(p.lastHeartbeat)})` : ""}. Stake{" "}
          {formatToken(p.stake.active)}, free {formatToken(p.stake.free)}; slashed {p.slashCount} time
          {p.slashCount === 1 ? "" : "s"} ({formatToken(p.slashed)}).
        </p>
        {selfGrant ? (
          <p className="muted">
            Your access grant (all scopes) is valid until {formatTime(Number(selfGrant.message.expiry))}.
          </p>
        ) : (
          <GatedButton
            type="button"
            className="btn"
            blockedReason={gate.ready && signer ? null : gate.reason}
            onClick={() => void signSelfGrant()}
          >
            Sign my access grant
          </GatedButton>
        )}
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
      </section>

      <section className={styles.section} aria-labelledby="farm-workers">
        <h2 id="farm-workers">Workers ({workers.length})</h2>
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Control API</th>
              <th scope="col">Live state</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <WorkerRow
                key={w.address}
                worker={w}
                url={urls[w.address.toLowerCase()] ?? ""}
                onUrl={(u) => setUrl(w.address, u)}
                grant={selfGrant}
                signer={signer}
                domain={domain}
              />
            ))}
          </tbody>
        </table>
      </section>

      <section className={styles.section} aria-labelledby="farm-tasks">
        <h2 id="farm-tasks">Tasks and failures</h2>
        <p>
          {pending.length} task{pending.length === 1 ? "" : "s"} in flight on chain;{" "}
          {penalized.length === 0 ? "no recent failures." : `${penalized.length} recent failure(s):`}
        </p>
        {p.slashes.length > 0 ? (
          <ul>
            {p.slashes.map((s) => (
              <li key={s.id}>
                {formatTime(s.timestamp)}: task #{s.taskId ?? "?"} {s.outcome ?? "slashed"},{" "}
                {formatToken(s.amount)}
              </li>
            ))}
          </ul>
        ) : null}
        <div className={styles.charts}>
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

      <GrantsPanel owner={owner} workers={workers} urls={urls} signer={signer} domain={domain} />
    </>
  );
}

function WorkerRow(props: {
  worker: FarmWorker;
  url: string;
  onUrl: (url: string) => void;
  grant: Signed<Grant> | undefined;
  signer: TypedDataSigner | undefined;
  domain: FarmDomain;
}) {
  const { worker, url, grant, signer, domain } = props;
  const [draft, setDraft] = useState(url);
  useEffect(() => setDraft(url), [url]);
  const [answer, setAnswer] = useState<CommandResult | string | null>(null);
  const client = useMemo(
    () =>
      url && grant && signer
        ? controlClient({ url, domain, worker: getAddress(worker.address), signer, grant })
        : undefined,
    [url, grant, signer, domain.chainId, domain.providerRegistry, worker.address],
  );
  const status = useQuery({
    queryKey: ["farm", "control", worker.address, url, grant?.signature],
    enabled: Boolean(client),
    refetchInterval: 5_000,
    retry: false,
    queryFn: () => (client as NonNullable<typeof client>).status(),
  });
  const send = async (action: "pause" | "resume" | "drain" | "restart") => {
    if (!client) return;
    try {
      const a = await client.command(action);
      setAnswer(a);
      await status.refetch();
    } catch (err) {
      setAnswer((err as Error).message.split("\n")[0] ?? "failed");
    }
  };
  const s = status.data;
  return (
    <tr data-testid={`worker-${worker.address.toLowerCase()}`}>
      <td>
        <code title={worker.address}>{shortAddress(worker.address)}</code>
        <br />
        <span className="muted">
          {worker.role}
          {worker.since ? ` since ${formatTime(worker.since)}` : ""}
        </span>
      </td>
      <td>
        <form
          className={styles.row}
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            props.onUrl(draft.trim());
          }}
        >
          <label>
            <span className="visually-hidden">Control API URL of {worker.address}</span>
            <input
              type="url"
              placeholder="https://worker.example.org"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <button type="submit" className="btn btn-secondary">
            Save
          </button>
        </form>
      </td>
      <td>
        {!url ? (
          <span className="muted">no control API URL</span>
        ) : !grant ? (
          <span className="muted">sign your access grant first</span>
        ) : status.error ? (
          <span className={styles.offline}>unreachable: {(status.error as Error).message}</span>
        ) : !s ? (
          <span className="muted">reading…</span>
        ) : (
          <>
            <p data-testid="live-state">
              <span
                className={`${styles.state} ${s.claimsPaused || s.draining ? styles.idle : styles.online}`}
              >
                {s.stopping
                  ? "stopping"
                  : s.draining
                    ? s.drained
                      ? "drained"
                      : "draining"
                    : s.claimsPaused
                      ? "claims paused"
                      : "taking tasks"}
              </span>{" "}
              · v{s.version} · {s.inFlight.length} in flight · {s.candidates} candidates
            </p>
            {s.failures.length > 0 ? (
              <ul>
                {s.failures.slice(-5).map((f) => (
                  <li key={`${f.taskId}-${f.at}`}>
                    task #{f.taskId}: {f.reason} ({f.at})
                  </li>
                ))}
              </ul>
            ) : null}
            <div className={styles.row}>
              {allowedCommands(grant.message.scopes).map((a) => (
                <button key={a} type="button" className="btn btn-secondary" onClick={() => void send(a)}>
                  {a}
                </button>
              ))}
            </div>
          </>
        )}
        {answer ? (
          <p role="status" data-testid="command-answer">
            {typeof answer === "string"
              ? answer
              : `${answer.action} ${answer.ok ? "done" : `refused (${answer.code ?? "error"})`}: ${answer.message} [${answer.id.slice(0, 10)}…]`}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

function GrantsPanel(props: {
  owner: Address;
  workers: FarmWorker[];
  urls: Record<string, string>;
  signer: TypedDataSigner | undefined;
  domain: FarmDomain;
}) {
  const gate = useWriteGate();
  const [grantee, setGrantee] = useState("");
  const [target, setTarget] = useState<string>(zeroAddress);
  const [scopes, setScopes] = useState<Scope[]>(["view", "logs"]);
  const [hours, setHours] = useState("24");
  const [signed, setSigned] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const blocked = gate.ready && props.signer ? null : gate.reason;

  const grant = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!props.signer) return;
    if (!isAddress(grantee)) return setError("Grantee: expected a 0x-prefixed 20-byte address.");
    const h = Number(hours);
    if (!Number.isInteger(h) || h < 1 || h > 24 * 90) return setError("Expiry: 1 to 2160 hours.");
    if (scopes.length === 0) return setError("Choose at least one scope.");
    try {
      const g = await signFarmMessage(props.signer, props.domain, "Grant", {
        owner: props.owner,
        worker: getAddress(target),
        grantee: getAddress(grantee),
        scopes: scopeMask(scopes),
        expiry: nonceNow() + BigInt(h * 3600),
        nonce: nonceNow(),
      });
      setSigned(JSON.stringify({ message: toJsonMessage(g.message), signature: g.signature }, null, 2));
    } catch (err) {
      setError((err as Error).message.split("\n")[0] ?? "signing failed");
    }
  };

  const revokeAll = async () => {
    setError(null);
    if (!props.signer) return;
    try {
      const rev = await signFarmMessage(props.signer, props.domain, "Revocation", {
        owner: props.owner,
        minNonce: nonceNow() + 1n,
        issuedAt: nonceNow(),
      });
      const results = await Promise.all(
        Object.entries(props.urls).map(async ([worker, url]) => {
          try {
            await postRevocation(url, rev);
            return `${shortAddress(worker)}: revoked`;
          } catch (err) {
            return `${shortAddress(worker)}: not reached (${(err as Error).message})`;
          }
        }),
      );
      setRevoked(results.length > 0 ? results : ["no worker has a control API URL: nothing was told"]);
    } catch (err) {
      setError((err as Error).message.split("\n")[0] ?? "signing failed");
    }
  };

  return (
    <section className={styles.section} aria-labelledby="farm-grants">
      <h2 id="farm-grants">Grants</h2>
      <form onSubmit={(e) => void grant(e)}>
        <div className={styles.row}>
          <label>
            Grantee{" "}
            <input value={grantee} onChange={(e) => setGrantee(e.target.value.trim())} placeholder="0x…" />
          </label>
          <label>
            Worker{" "}
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value={zeroAddress}>the whole farm</option>
              {props.workers.map((w) => (
                <option key={w.address} value={w.address}>
                  {shortAddress(w.address)} ({w.role})
                </option>
              ))}
            </select>
          </label>
          <label>
            Expires in (hours){" "}
            <input value={hours} onChange={(e) => setHours(e.target.value)} inputMode="numeric" />
          </label>
        </div>
        <fieldset className={styles.row}>
          <legend>Scopes</legend>
          {(["view", "logs", "command", "config"] as const).map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />{" "}
              {s}
            </label>
          ))}
        </fieldset>
        <GatedButton type="submit" className="btn" blockedReason={blocked}>
          Sign grant
        </GatedButton>
      </form>
      {signed ? (
        <>
          <p>
            Give this signed grant to the grantee ({scopeList(JSON.parse(signed).message.scopes).join(", ")}):
          </p>
          <pre className={styles.code} data-testid="signed-grant">
            {signed}
          </pre>
        </>
      ) : null}
      <p>
        Revoking signs a nonce bump: every grant signed so far (yours included) stops working on each worker
        that is told. Workers without a URL here learn it only when shown it; grants also expire.
      </p>
      <GatedButton
        type="button"
        className="btn btn-secondary"
        blockedReason={blocked}
        onClick={() => void revokeAll()}
      >
        Revoke all grants
      </GatedButton>
      {revoked.length > 0 ? (
        <ul role="status">
          {revoked.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
