/**
 * Worker configuration: a JSON file plus `EAI_WORKER_*` environment overrides, validated with zod.
 * Errors name the field, where its value came from, what was expected and what was given, e.g.
 * `rpcUrl (from EAI_WORKER_RPC_URL): expected an http(s) URL, got "foo"`.
 *
 * Secrets are not part of the config: the signing key comes from a keystore (`keystorePath` +
 * `EAI_WORKER_KEYSTORE_PASSWORD[_FILE]`) or `EAI_WORKER_PRIVATE_KEY` (see keystore.ts).
 * Reference: docs/WORKER.md.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { formatIssues } from "@eai/sdk/zod-errors";
import { IPFS_DEFAULTS, STORAGE_BACKENDS, type StorageConfig } from "@eai/sdk/storage";

export const EXECUTOR_KINDS = ["zk-mlp", "onnx", "wasm"] as const;
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

/** Contracts the worker talks to when addresses are given instead of a deployments folder. */
export const REQUIRED_CONTRACTS = [
  "TaskMarket",
  "ProviderRegistry",
  "StakingVault",
  "ModelRegistry",
  "EAIToken",
  "Reputation",
] as const;

/** OPTIMISTIC contracts: optional in `contracts` (both or neither); absent = OPTIMISTIC tasks are not served. */
export const OPTIMISTIC_CONTRACTS = ["OptimisticMarket", "DisputeManager"] as const;

const address = z
  .string({ error: "expected a 0x-prefixed 20-byte hex address" })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: "expected a 0x-prefixed 20-byte hex address" })
  .transform((a) => a as `0x${string}`);

const httpUrl = z.string({ error: "expected an http(s) URL" }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: "expected an http(s) URL" },
);

const amount = z
  .union([z.string(), z.number()], { error: "expected a non-negative integer amount in base units" })
  .refine((v) => (typeof v === "number" ? Number.isSafeInteger(v) && v >= 0 : /^\d+$/.test(v)), {
    error: "expected a non-negative integer amount in base units (decimal string)",
  })
  .transform((v) => BigInt(v));

const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(min, { error: `expected ${what}` })
    .max(max, { error: `expected ${what}` });

const path = z.string({ error: "expected a path" }).min(1, { error: "expected a non-empty path" });

const loopback = z.string().refine((h) => h === "127.0.0.1" || h === "::1" || h === "localhost", {
  error: "expected a loopback address (127.0.0.1, ::1 or localhost); expose metrics through a proxy",
});

/** The worker's default ZK settlement mode (docs/WORKER.md, "ZK settlement"); bench/gas.ts reports its path. */
export const DEFAULT_ZK_SETTLEMENT = "hybrid" as const;

export const workerConfigSchema = z
  .object({
    rpcUrl: httpUrl,
    chainId: int(1, 2 ** 53 - 1, "a positive integer chain id"),
    deploymentsDir: path.optional(),
    contracts: z
      .object({
        ...(Object.fromEntries(REQUIRED_CONTRACTS.map((n) => [n, address])) as Record<
          (typeof REQUIRED_CONTRACTS)[number],
          typeof address
        >),
        OptimisticMarket: address.optional(),
        DisputeManager: address.optional(),
      })
      .strict()
      .optional(),
    stateDir: path,
    /** The HTTP blob store (required when storage.backend is "http", the default). */
    blobStoreUrl: httpUrl.optional(),
    /** Where task inputs, model artifacts and results are fetched from and stored (docs/STORAGE.md, "IPFS"). */
    storage: z
      .object({
        backend: z
          .enum(STORAGE_BACKENDS, { error: `expected one of ${STORAGE_BACKENDS.join(", ")}` })
          .default("http"),
        /** Time limit of one fetch; default 120000 (http, kubo) or 30000 (helia: a CID nobody has fails then). */
        timeoutMs: int(1, 3_600_000, "milliseconds between 1 and 3600000").optional(),
        ipfs: z
          .object({
            /** helia: state folder of the embedded node (blocks, peer key); default <stateDir>/ipfs. */
            dir: path.optional(),
            /** helia: TCP listen multiaddrs; default loopback on a free port. */
            listen: z
              .array(
                z.string().regex(/^\/(ip4|ip6)\/[^/]+\/tcp\/\d{1,5}$/, {
                  error: "expected /ip4/<address>/tcp/<port>",
                }),
              )
              .min(1, { error: "expected at least one listen address" })
              .default([...IPFS_DEFAULTS.listen]),
            /** helia: peers to connect to (requesters' or pinning nodes), /ip4/…/tcp/…/p2p/<peer id>. */
            peers: z
              .array(
                z
                  .string()
                  .regex(/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/, {
                    error: "expected /ip4/<address>/tcp/<port>/p2p/<peer id>",
                  }),
              )
              .default([]),
            /** helia: largest block sent or accepted (bytes). */
            maxBlockBytes: int(1, 256 * 1024 * 1024, "a positive number of bytes (≤ 256 MiB)").default(
              IPFS_DEFAULTS.maxBlockBytes,
            ),
            /** kubo: the node's RPC API (keep it on loopback: it is an admin API). */
            apiUrl: httpUrl.optional(),
          })
          .strict()
          .default({
            listen: [...IPFS_DEFAULTS.listen],
            peers: [],
            maxBlockBytes: IPFS_DEFAULTS.maxBlockBytes,
          }),
      })
      .strict()
      .default({
        backend: "http",
        ipfs: { listen: [...IPFS_DEFAULTS.listen], peers: [], maxBlockBytes: IPFS_DEFAULTS.maxBlockBytes },
      }),
    executors: z
      .array(z.enum(EXECUTOR_KINDS, { error: `expected one of ${EXECUTOR_KINDS.join(", ")}` }))
      .min(1, { error: "expected at least one executor" })
      .default(["zk-mlp", "onnx", "wasm"]),
    /** Minimum reward per payment token (address → base units); tokens not listed are never claimed. */
    minReward: z
      .record(z.string(), amount)
      .superRefine((record, ctx) => {
        for (const key of Object.keys(record)) {
          if (!/^0x[0-9a-fA-F]{40}$/.test(key)) {
            ctx.addIssue({
              code: "custom",
              path: [key],
              input: key,
              message: "expected a 0x-prefixed 20-byte hex address as token key",
            });
          }
        }
      })
      .transform((record) => record as Record<`0x${string}`, bigint>)
      .default({}),
    /** Largest claim bond (EAI base units) the worker accepts to lock. */
    maxBond: amount,
    pollIntervalMs: int(100, 600_000, "an integer between 100 and 600000 (ms)").default(2_000),
    /** Largest block range per eth_getLogs request (providers cap it). */
    logRangeBlocks: int(1, 100_000, "an integer between 1 and 100000 (blocks)").default(1_000),
    /** Stake the provider keeps in StakingVault: at start-up the worker tops its stake up to this (not in operator mode). */
    stakeTarget: amount.optional(),
    /** Tasks worked on at once (claimed and not settled). */
    maxConcurrentTasks: int(1, 256, "an integer between 1 and 256").default(4),
    /** Seconds of slack a claim must leave before the task's deadline beyond its execution (and reveal) window. */
    deadlineMarginSec: int(0, 86_400, "seconds between 0 and 86400").default(30),
    /**
     * How ZK tasks are settled (docs/WORKER.md, "ZK settlement"). Providers take turns by a deterministic per-task
     * ranking (see directStaggerMs) in "hybrid" and "direct". "hybrid" (default): the first-ranked provider proves
     * the Open task and settles it with one submitProof (no claim, no bond); a lower-ranked provider whose turn
     * comes while the task is still Open claims it (locking it: no further duplicate proofs) and then proves.
     * "direct": every provider proves without claiming when its turn comes. "claim": claim first (locks the bond,
     * reserves the task for execWindow), then prove.
     */
    zkSettlement: z
      .enum(["hybrid", "direct", "claim"], { error: 'expected "hybrid", "direct" or "claim"' })
      .default(DEFAULT_ZK_SETTLEMENT),
    /** Hybrid and direct modes: a provider ranked r for a task waits r × this before its turn (about one proof time). */
    directStaggerMs: int(0, 600_000, "milliseconds between 0 and 600000").default(2_500),
    /** Direct mode: only the first this-many places of the ranking matter (the longest wait is this × stagger). */
    directMaxRank: int(1, 1_000, "an integer between 1 and 1000").default(8),
    /** Direct mode: how often the providers ranked against (registry, reputation, stake) are re-read. */
    directRefreshMs: int(1_000, 3_600_000, "milliseconds between 1000 and 3600000").default(60_000),
    /**
     * Direct mode: providers whose last ProviderRegistry heartbeat is older than this (chain seconds) are presumed
     * offline and left out of the ranking; 0 ranks every active provider. Keep it above heartbeatIntervalMs.
     */
    directLivenessSec: int(0, 30 * 86_400, "seconds between 0 and 2592000").default(1_800),
    /**
     * REDUNDANT: vote the reserved task-fault result (TaskMarket.TASK_FAULT_RESULT) when the model or the input
     * cannot be executed for a deterministic reason (the module traps, the input does not fit the model, a declared
     * limit is hit). With a majority the requester is refunded minus the fault fee, which goes to the reporters; no
     * revealer is slashed. false: skip such tasks instead.
     */
    reportTaskFaults: z.boolean({ error: "expected true or false" }).default(true),
    /** REDUNDANT: leave a claimed task whose draws did not all fill within the market's fill timeout (bond back). */
    leaveUnfilled: z.boolean({ error: "expected true or false" }).default(true),
    /** REDUNDANT: most draws (votes) this provider takes on one task when its turn comes on several. */
    maxVotesPerTask: int(1, 15, "an integer between 1 and 15").default(15),
    /** REDUNDANT: seconds before its turn at which the worker starts executing (so the result is ready to claim). */
    prepareLeadSec: int(0, 3_600, "seconds between 0 and 3600").default(5),
    /**
     * ZK: code hashes (EXTCODEHASH) of Groth16 verifiers this worker proves for, besides the built-in ones generated
     * from its own circuits (@eai/sdk/verifiers). A task whose verifier has other code is skipped (verifier-unknown):
     * a verifier that rejects valid proofs would get the claimant slashed.
     */
    trustedVerifierCodeHashes: z
      .array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: "expected a 0x-prefixed 32-byte code hash" }))
      .default([]),
    /** ProviderRegistry.heartbeat interval; 0 disables heartbeats. */
    heartbeatIntervalMs: z
      .union([z.literal(0), int(10_000, 86_400_000, "0 or milliseconds between 10000 and 86400000")], {
        error: "expected 0 (off) or milliseconds between 10000 and 86400000",
      })
      .default(600_000),
    /**
     * Mining rewards (docs/PROTOCOL.md, "Mining rewards"): claim this provider's rewards of final epochs every
     * `intervalMs`, recomputing each epoch's tree from the chain (`@eai/sdk/rewards`). Off by default. `rewards` is
     * the MiningRewards address when `contracts` is given instead of `deploymentsDir`.
     */
    autoClaim: z
      .object({
        enabled: z.boolean({ error: "expected true or false" }).default(false),
        intervalMs: int(60_000, 86_400_000, "milliseconds between 60000 and 86400000").default(3_600_000),
        lookbackEpochs: int(1, 365, "an integer between 1 and 365").default(30),
        rewards: address.optional(),
      })
      .strict()
      .default({ enabled: false, intervalMs: 3_600_000, lookbackEpochs: 30 }),
    /** How long a shutdown waits for in-flight steps before persisting the rest for resume. */
    shutdownGraceMs: int(0, 600_000, "milliseconds between 0 and 600000").default(30_000),
    /** Published in the provider profile (ProviderRegistry.metadataURI). */
    metadataURI: z
      .string({ error: "expected a string" })
      .max(256, { error: "expected at most 256 characters" })
      .default(""),
    metrics: z
      .object({
        host: loopback.default("127.0.0.1"),
        port: int(0, 65_535, "a TCP port (0-65535)").default(9464),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 9464 }),
    /**
     * Remote control API (docs/WORKER.md, "Remote control and farm permissions"): off by default; listens on a
     * loopback address only — put a TLS reverse proxy (nginx example in the docs) in front of it to reach it from
     * elsewhere. Requests are authorised by EIP-712 grants of the provider (@eai/sdk/farm), not by the network.
     */
    control: z
      .object({
        enabled: z.boolean({ error: "expected true or false" }).default(false),
        host: z
          .string()
          .refine((h) => h === "127.0.0.1" || h === "::1" || h === "localhost", {
            error:
              "expected a loopback address (127.0.0.1, ::1 or localhost); expose it through a TLS reverse proxy",
          })
          .default("127.0.0.1"),
        port: int(0, 65_535, "a TCP port (0-65535)").default(9465),
        /** Browser origins allowed to call the API (the dApp's), exact match; none by default. */
        corsOrigins: z
          .array(
            z
              .string()
              .regex(/^https?:\/\/[^/\s]+$/, { error: "expected an origin like https://farm.example.org" }),
          )
          .default([]),
        /** Commands are accepted within ± this many seconds of their issuedAt. */
        commandWindowSec: int(10, 3_600, "seconds between 10 and 3600").default(120),
        /** Lines kept in the log ring buffer served by /v1/logs. */
        logLines: int(100, 100_000, "an integer between 100 and 100000").default(2_000),
        /** Largest upgrade artifact downloaded. */
        maxArtifactBytes: int(1, 1 << 30, "a positive number of bytes (≤ 1 GiB)").default(256 * 1024 * 1024),
      })
      .strict()
      .default({
        enabled: false,
        host: "127.0.0.1",
        port: 9465,
        corsOrigins: [],
        commandWindowSec: 120,
        logLines: 2_000,
        maxArtifactBytes: 256 * 1024 * 1024,
      }),
    /** Operator mode: this worker's key acts for `owner`, who authorised it in ProviderRegistry. */
    operator: z.object({ owner: address }).strict().optional(),
    bandwidthMbps: int(1, 2 ** 32 - 1, "a positive integer (Mbit/s)"),
    /** ISO 3166-1 numeric region code, 0 for "any". */
    region: int(0, 999, "an ISO 3166-1 numeric code (0-999, 0 = any)").default(0),
    gasHeadroomPercent: int(0, 500, "an integer percentage between 0 and 500").default(20),
    keystorePath: path.optional(),
    /** Executor limits (docs/WORKER.md, "Limits"). */
    limits: z
      .object({
        maxInputBytes: int(1, 1 << 30, "a positive number of bytes (≤ 1 GiB)").default(16 * 1024 * 1024),
        wasmMemoryMiB: int(1, 4096, "MiB between 1 and 4096").default(256),
        wasmTimeoutMs: int(10, 3_600_000, "milliseconds between 10 and 3600000").default(10_000),
        /** CPU time per WASM run; absent = wasmTimeoutMs. */
        wasmCpuMs: int(10, 3_600_000, "milliseconds between 10 and 3600000").optional(),
        maxModelBytes: int(1, 4 << 30, "a positive number of bytes (≤ 4 GiB)").default(256 * 1024 * 1024),
        /** Resident memory of one ONNX child process. */
        onnxMemoryMiB: int(64, 1 << 20, "MiB between 64 and 1048576").default(2048),
        /** Wall clock per ONNX run and per model load. */
        onnxTimeoutMs: int(100, 3_600_000, "milliseconds between 100 and 3600000").default(60_000),
        /** CPU time (all threads) per ONNX run and load; absent = onnxTimeoutMs × the run's intra-op threads. */
        onnxCpuMs: int(100, 86_400_000, "milliseconds between 100 and 86400000").optional(),
        /** ONNX child processes (one loaded model each) alive at once. */
        onnxProcesses: int(1, 64, "an integer between 1 and 64").default(4),
        /** Executor runs per task (counted before each run, crashes included) before it is given up. */
        executionAttempts: int(1, 10, "an integer between 1 and 10").default(3),
      })
      .strict()
      .default({
        maxInputBytes: 16 * 1024 * 1024,
        wasmMemoryMiB: 256,
        wasmTimeoutMs: 10_000,
        maxModelBytes: 256 * 1024 * 1024,
        onnxMemoryMiB: 2048,
        onnxTimeoutMs: 60_000,
        onnxProcesses: 4,
        executionAttempts: 3,
      }),
    prover: z
      .object({
        processes: int(1, 64, "an integer between 1 and 64").default(1),
        jobTimeoutMs: int(1_000, 3_600_000, "milliseconds between 1000 and 3600000").default(300_000),
      })
      .strict()
      .default({ processes: 1, jobTimeoutMs: 300_000 }),
    /**
     * Batched ZK proofs (docs/WORKER.md, "Batched proofs"): tasks this provider settles directly (rank 0 in
     * "hybrid", every turn in "direct") go through one proof pipeline that batches them by model, k from the model's
     * registered batch verifiers (TaskMarket.submitProofBatch), a lone task alone at once.
     */
    zkBatch: z
      .object({
        /** false: one proof per task (submitProof), as before. */
        enabled: z.boolean({ error: "expected true or false" }).default(true),
        /** A model whose oldest queued task has waited this long is served before fuller batches of other models. */
        flushMs: int(0, 600_000, "milliseconds between 0 and 600000").default(3_000),
        /**
         * An idle prover waits this long after a task arrives before it cuts a batch, so tasks arriving together
         * share a proof (a lone task is proven alone after this wait); shorter when a task's deadline needs it.
         */
        gatherMs: int(0, 60_000, "milliseconds between 0 and 60000").default(50),
        /** Time kept free before a task's deadline for sending and mining its proof; later tasks are not proven. */
        submitMarginMs: int(0, 3_600_000, "milliseconds between 0 and 3600000").default(15_000),
        /** Largest batch used (the model's registered sizes above it are ignored). */
        maxBatchSize: int(1, 64, "an integer between 1 and 64").default(64),
        /** Tasks queued for batched proofs at once (in place of maxConcurrentTasks for these tasks). */
        maxQueued: int(1, 1_024, "an integer between 1 and 1024").default(64),
      })
      .strict()
      .default({
        enabled: true,
        flushMs: 3_000,
        gatherMs: 50,
        submitMarginMs: 15_000,
        maxBatchSize: 64,
        maxQueued: 64,
      }),
    /**
     * OPTIMISTIC tasks (docs/WORKER.md, "OPTIMISTIC tasks"): serve OptimisticMarket as provider, auditor and juror.
     * `enabled` defaults to whether the deployment (or `contracts`) has an OptimisticMarket address.
     */
    optimistic: z
      .object({
        enabled: z.boolean({ error: "expected true or false" }).optional(),
        /** Claim, execute and commit OPTIMISTIC tasks at this provider's draw turn; settle them after the window. */
        provider: z.boolean({ error: "expected true or false" }).default(true),
        /** Take random audits of others' tasks at this provider's turn, re-execute, confirm or challenge. */
        auditor: z.boolean({ error: "expected true or false" }).default(true),
        /** Sit on dispute juries at this provider's turn, re-execute, commit and reveal the vote, resolve. */
        juror: z.boolean({ error: "expected true or false" }).default(true),
        /**
         * Watch: re-execute every committed result of other providers (models it can run) and challenge a result
         * that differs within the challenge window. One execution per task: off by default.
         */
        challenger: z.boolean({ error: "expected true or false" }).default(false),
        /** Provider: read the audit draw (drawAudit) as soon as its seed block exists, not only at settlement. */
        drawAudit: z.boolean({ error: "expected true or false" }).default(true),
        /** OPTIMISTIC tasks this provider holds at once (claimed and not settled). */
        maxConcurrentTasks: int(1, 256, "an integer between 1 and 256").default(4),
        /** Most draws (votes) taken on one jury round. */
        maxVotesPerDispute: int(1, 15, "an integer between 1 and 15").default(15),
        /** Seconds before a turn (claim, audit, seat) at which the worker starts executing. */
        prepareLeadSec: int(0, 3_600, "seconds between 0 and 3600").default(5),
        /** How often a task or dispute that waits on others is re-read (chain seconds). */
        recheckSec: int(1, 3_600, "seconds between 1 and 3600").default(30),
        /** How often credits are withdrawn from both contracts (also after each settlement and verdict); 0: never. */
        withdrawIntervalMs: z
          .union([z.literal(0), int(1_000, 86_400_000, "0 or milliseconds between 1000 and 86400000")], {
            error: "expected 0 (off) or milliseconds between 1000 and 86400000",
          })
          .default(600_000),
      })
      .strict()
      .default({
        provider: true,
        auditor: true,
        juror: true,
        challenger: false,
        drawAudit: true,
        maxConcurrentTasks: 4,
        maxVotesPerDispute: 15,
        prepareLeadSec: 5,
        recheckSec: 30,
        withdrawIntervalMs: 600_000,
      }),
    logLevel: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "expected fatal, error, warn, info, debug, trace or silent",
      })
      .default("info"),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.storage.backend === "http" && cfg.blobStoreUrl === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["blobStoreUrl"],
        message: 'expected an http(s) URL (required with storage.backend "http", the default)',
      });
    }
    if (cfg.storage.backend === "kubo" && cfg.storage.ipfs.apiUrl === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["storage", "ipfs", "apiUrl"],
        message: 'expected the kubo RPC API URL (required with storage.backend "kubo")',
      });
    }
    if (
      cfg.contracts !== undefined &&
      (cfg.contracts.OptimisticMarket === undefined) !== (cfg.contracts.DisputeManager === undefined)
    ) {
      ctx.addIssue({
        code: "custom",
        path: [
          "contracts",
          cfg.contracts.OptimisticMarket === undefined ? "OptimisticMarket" : "DisputeManager",
        ],
        message: "expected both OptimisticMarket and DisputeManager, or neither",
      });
    }
    if (cfg.deploymentsDir === undefined && cfg.contracts === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["deploymentsDir"],
        message: `expected deploymentsDir (folder with <chainId>.json) or contracts { ${REQUIRED_CONTRACTS.join(", ")} }`,
      });
    }
  });

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

type EnvKind = "string" | "int" | "bool" | "list" | "map";

/** Every supported override: env var → config path and how its text is read. */
export const ENV_OVERRIDES: Readonly<Record<string, { path: readonly string[]; kind: EnvKind }>> = {
  EAI_WORKER_RPC_URL: { path: ["rpcUrl"], kind: "string" },
  EAI_WORKER_CHAIN_ID: { path: ["chainId"], kind: "int" },
  EAI_WORKER_DEPLOYMENTS_DIR: { path: ["deploymentsDir"], kind: "string" },
  EAI_WORKER_STATE_DIR: { path: ["stateDir"], kind: "string" },
  EAI_WORKER_BLOB_STORE_URL: { path: ["blobStoreUrl"], kind: "string" },
  EAI_WORKER_STORAGE_BACKEND: { path: ["storage", "backend"], kind: "string" },
  EAI_WORKER_STORAGE_TIMEOUT_MS: { path: ["storage", "timeoutMs"], kind: "int" },
  EAI_WORKER_IPFS_DIR: { path: ["storage", "ipfs", "dir"], kind: "string" },
  EAI_WORKER_IPFS_LISTEN: { path: ["storage", "ipfs", "listen"], kind: "list" },
  EAI_WORKER_IPFS_PEERS: { path: ["storage", "ipfs", "peers"], kind: "list" },
  EAI_WORKER_IPFS_MAX_BLOCK_BYTES: { path: ["storage", "ipfs", "maxBlockBytes"], kind: "int" },
  EAI_WORKER_IPFS_API_URL: { path: ["storage", "ipfs", "apiUrl"], kind: "string" },
  EAI_WORKER_EXECUTORS: { path: ["executors"], kind: "list" },
  EAI_WORKER_MIN_REWARD: { path: ["minReward"], kind: "map" },
  EAI_WORKER_MAX_BOND: { path: ["maxBond"], kind: "string" },
  EAI_WORKER_POLL_INTERVAL_MS: { path: ["pollIntervalMs"], kind: "int" },
  EAI_WORKER_LOG_RANGE_BLOCKS: { path: ["logRangeBlocks"], kind: "int" },
  EAI_WORKER_STAKE_TARGET: { path: ["stakeTarget"], kind: "string" },
  EAI_WORKER_MAX_CONCURRENT_TASKS: { path: ["maxConcurrentTasks"], kind: "int" },
  EAI_WORKER_DEADLINE_MARGIN_SEC: { path: ["deadlineMarginSec"], kind: "int" },
  EAI_WORKER_ZK_SETTLEMENT: { path: ["zkSettlement"], kind: "string" },
  EAI_WORKER_DIRECT_STAGGER_MS: { path: ["directStaggerMs"], kind: "int" },
  EAI_WORKER_DIRECT_MAX_RANK: { path: ["directMaxRank"], kind: "int" },
  EAI_WORKER_DIRECT_REFRESH_MS: { path: ["directRefreshMs"], kind: "int" },
  EAI_WORKER_DIRECT_LIVENESS_SEC: { path: ["directLivenessSec"], kind: "int" },
  EAI_WORKER_ZK_BATCH: { path: ["zkBatch", "enabled"], kind: "bool" },
  EAI_WORKER_ZK_BATCH_FLUSH_MS: { path: ["zkBatch", "flushMs"], kind: "int" },
  EAI_WORKER_ZK_BATCH_GATHER_MS: { path: ["zkBatch", "gatherMs"], kind: "int" },
  EAI_WORKER_ZK_BATCH_SUBMIT_MARGIN_MS: { path: ["zkBatch", "submitMarginMs"], kind: "int" },
  EAI_WORKER_ZK_BATCH_MAX_SIZE: { path: ["zkBatch", "maxBatchSize"], kind: "int" },
  EAI_WORKER_ZK_BATCH_MAX_QUEUED: { path: ["zkBatch", "maxQueued"], kind: "int" },
  EAI_WORKER_REPORT_TASK_FAULTS: { path: ["reportTaskFaults"], kind: "bool" },
  EAI_WORKER_LEAVE_UNFILLED: { path: ["leaveUnfilled"], kind: "bool" },
  EAI_WORKER_MAX_VOTES_PER_TASK: { path: ["maxVotesPerTask"], kind: "int" },
  EAI_WORKER_PREPARE_LEAD_SEC: { path: ["prepareLeadSec"], kind: "int" },
  EAI_WORKER_TRUSTED_VERIFIER_CODE_HASHES: { path: ["trustedVerifierCodeHashes"], kind: "list" },
  EAI_WORKER_HEARTBEAT_INTERVAL_MS: { path: ["heartbeatIntervalMs"], kind: "int" },
  EAI_WORKER_SHUTDOWN_GRACE_MS: { path: ["shutdownGraceMs"], kind: "int" },
  EAI_WORKER_METADATA_URI: { path: ["metadataURI"], kind: "string" },
  EAI_WORKER_MAX_MODEL_BYTES: { path: ["limits", "maxModelBytes"], kind: "int" },
  EAI_WORKER_AUTO_CLAIM: { path: ["autoClaim", "enabled"], kind: "bool" },
  EAI_WORKER_METRICS_HOST: { path: ["metrics", "host"], kind: "string" },
  EAI_WORKER_METRICS_PORT: { path: ["metrics", "port"], kind: "int" },
  EAI_WORKER_OPERATOR_OWNER: { path: ["operator", "owner"], kind: "string" },
  EAI_WORKER_CONTROL_ENABLED: { path: ["control", "enabled"], kind: "bool" },
  EAI_WORKER_CONTROL_PORT: { path: ["control", "port"], kind: "int" },
  EAI_WORKER_CONTROL_CORS_ORIGINS: { path: ["control", "corsOrigins"], kind: "list" },
  EAI_WORKER_BANDWIDTH_MBPS: { path: ["bandwidthMbps"], kind: "int" },
  EAI_WORKER_REGION: { path: ["region"], kind: "int" },
  EAI_WORKER_GAS_HEADROOM_PERCENT: { path: ["gasHeadroomPercent"], kind: "int" },
  EAI_WORKER_KEYSTORE_PATH: { path: ["keystorePath"], kind: "string" },
  EAI_WORKER_MAX_INPUT_BYTES: { path: ["limits", "maxInputBytes"], kind: "int" },
  EAI_WORKER_WASM_MEMORY_MIB: { path: ["limits", "wasmMemoryMiB"], kind: "int" },
  EAI_WORKER_WASM_TIMEOUT_MS: { path: ["limits", "wasmTimeoutMs"], kind: "int" },
  EAI_WORKER_WASM_CPU_MS: { path: ["limits", "wasmCpuMs"], kind: "int" },
  EAI_WORKER_ONNX_MEMORY_MIB: { path: ["limits", "onnxMemoryMiB"], kind: "int" },
  EAI_WORKER_ONNX_TIMEOUT_MS: { path: ["limits", "onnxTimeoutMs"], kind: "int" },
  EAI_WORKER_ONNX_CPU_MS: { path: ["limits", "onnxCpuMs"], kind: "int" },
  EAI_WORKER_ONNX_PROCESSES: { path: ["limits", "onnxProcesses"], kind: "int" },
  EAI_WORKER_EXECUTION_ATTEMPTS: { path: ["limits", "executionAttempts"], kind: "int" },
  EAI_WORKER_PROVER_PROCESSES: { path: ["prover", "processes"], kind: "int" },
  EAI_WORKER_PROVER_JOB_TIMEOUT_MS: { path: ["prover", "jobTimeoutMs"], kind: "int" },
  EAI_WORKER_OPTIMISTIC: { path: ["optimistic", "enabled"], kind: "bool" },
  EAI_WORKER_OPTIMISTIC_PROVIDER: { path: ["optimistic", "provider"], kind: "bool" },
  EAI_WORKER_OPTIMISTIC_AUDITOR: { path: ["optimistic", "auditor"], kind: "bool" },
  EAI_WORKER_OPTIMISTIC_JUROR: { path: ["optimistic", "juror"], kind: "bool" },
  EAI_WORKER_OPTIMISTIC_CHALLENGER: { path: ["optimistic", "challenger"], kind: "bool" },
  EAI_WORKER_LOG_LEVEL: { path: ["logLevel"], kind: "string" },
};

/** `EAI_WORKER_*` variables read elsewhere (secrets and the config file path), not config overrides. */
export const NON_CONFIG_ENV = [
  "EAI_WORKER_CONFIG",
  "EAI_WORKER_PRIVATE_KEY",
  "EAI_WORKER_KEYSTORE_PASSWORD",
  "EAI_WORKER_KEYSTORE_PASSWORD_FILE",
];

function readEnvValue(kind: EnvKind, text: string): unknown {
  switch (kind) {
    case "string":
      return text;
    case "int":
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case "bool": {
      // true/false, 1/0; anything else is passed on for zod to reject with the field's message
      const t = text.trim().toLowerCase();
      return t === "true" || t === "1" ? true : t === "false" || t === "0" ? false : text;
    }
    case "list":
      return text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case "map": {
      // "0xToken=100,0xOther=5"
      const out: Record<string, string> = {};
      for (const pair of text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [k, v] = pair.split("=");
        out[(k ?? "").trim()] = (v ?? "").trim();
      }
      return out;
    }
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Validates a raw config object after applying env overrides. Relative paths are resolved against
 * `baseDir` (the config file's folder).
 * @throws ConfigError naming every bad field.
 */
export function parseWorkerConfig(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
  baseDir: string = process.cwd(),
): WorkerConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError("invalid worker config: (root): expected a JSON object");
  }
  const merged = structuredClone(raw) as Record<string, unknown>;
  const origins = new Map<string, string>();
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("EAI_WORKER_") || value === undefined) continue;
    const override = ENV_OVERRIDES[name];
    if (!override) {
      if (!NON_CONFIG_ENV.includes(name)) unknown.push(name);
      continue;
    }
    setPath(merged, override.path, readEnvValue(override.kind, value));
    origins.set(override.path.join("."), name);
  }
  if (unknown.length > 0) {
    throw new ConfigError(
      `invalid worker config: unknown environment variable(s) ${unknown.join(", ")}; supported: ${Object.keys(ENV_OVERRIDES).join(", ")}`,
    );
  }
  const result = workerConfigSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    const origin = (p: string) => {
      for (const [key, name] of origins) if (p === key || p.startsWith(`${key}.`)) return name;
      return undefined;
    };
    throw new ConfigError(`invalid worker config: ${formatIssues(result.error.issues, origin)}`);
  }
  const cfg = result.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...cfg,
    stateDir: abs(cfg.stateDir),
    deploymentsDir: cfg.deploymentsDir === undefined ? undefined : abs(cfg.deploymentsDir),
    keystorePath: cfg.keystorePath === undefined ? undefined : abs(cfg.keystorePath),
    storage: {
      ...cfg.storage,
      ipfs: { ...cfg.storage.ipfs, dir: abs(cfg.storage.ipfs.dir ?? join(cfg.stateDir, "ipfs")) },
    },
  };
}

/** The storage backend a worker config selects, for openBlobStorage (@eai/sdk/storage). */
export function storageConfigOf(cfg: WorkerConfig): StorageConfig {
  const { backend, timeoutMs, ipfs } = cfg.storage;
  switch (backend) {
    case "http":
      return { backend, url: cfg.blobStoreUrl as string, timeoutMs };
    case "kubo":
      return { backend, apiUrl: ipfs.apiUrl as string, timeoutMs };
    case "helia":
      return {
        backend,
        dir: ipfs.dir ?? join(cfg.stateDir, "ipfs"),
        listen: ipfs.listen,
        peers: ipfs.peers,
        maxBlockBytes: ipfs.maxBlockBytes,
        timeoutMs,
      };
  }
}

/**
 * Loads the config file (`file`, else `EAI_WORKER_CONFIG`), applies `EAI_WORKER_*` overrides and validates.
 * Without any file the config comes from the environment alone.
 * @throws ConfigError naming the file or every bad field.
 */
export async function loadWorkerConfig(
  options: { file?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<WorkerConfig> {
  const env = options.env ?? process.env;
  const file = options.file ?? env.EAI_WORKER_CONFIG;
  if (file === undefined) return parseWorkerConfig({}, env);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `cannot read worker config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`worker config ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseWorkerConfig(raw, env, dirname(resolve(file)));
}
