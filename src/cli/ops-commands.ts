/**
 * The commands that run tilecast unattended: `schedule` (cron cycles) and the Redis scene queue
 * (`submit`, `worker`, `status`, `prune`). Each loads its module on use.
 */
import { type Command, Option } from "commander";
import { collectSet, int, onlyWhere, port, positiveInt } from "./flags.js";

/** `--redis URL`, or `TILECAST_REDIS_URL` (keeps a password off the command line). */
const redisOption = () =>
  new Option("--redis <url>", "redis://[user:password@]host:port[/db]").env("TILECAST_REDIS_URL");

/** Add the operations commands to the CLI. */
export function addOpsCommands(cli: Command): void {
  cli
    .command("submit")
    .description(
      "queue a pipeline over scenes on Redis (BullMQ): a job per scene, {scene} in the file its name; or one output in shards",
    )
    .argument("<pipeline>", "pipeline YAML file; input.path becomes each scene")
    .argument("[scenes...]", "scene files")
    .addOption(redisOption().makeOptionMandatory())
    .option("--list <file>", "more scenes, one path per line")
    .option("--shards <n>", "instead of scenes: the pipeline's own output as n shard jobs", positiveInt("--shards"))
    .option("--queue <name>", "queue name (default tilecast)")
    .option("--attempts <n>", "tries per scene before it counts as failed (default 3)", positiveInt("--attempts"))
    .option("--set <key=value>", "override a key of the file (repeatable)", collectSet, [])
    .option("--json", "print the counts as JSON")
    .action(async (file: string, scenes: string[], o: Parameters<typeof import("./queue.js").submitCommand>[2]) => {
      await (await import("./queue.js")).submitCommand(file, scenes, o);
    });
  cli
    .command("serve")
    .description("the operations page: cycles, the latest forecasts on a map, skill, runs and the queue (read-only)")
    .requiredOption("--root <dir>", "serve what lies under this directory (outputs, manifests, quicklooks)")
    .option("--state <dir>", "where the status records are (default <root>/tilecast-state)")
    .option("--host <host>", "address to bind (beyond 127.0.0.1 needs TILECAST_SERVE_TOKEN)", "127.0.0.1")
    .option("--port <n>", "port", port("--port"), 8080)
    .addOption(redisOption())
    .action(async (o: { root: string; state?: string; host: string; port: number; redis?: string }) => {
      await (await import("./serve.js")).serveCommand(o);
    });
  cli
    .command("worker")
    .description("run queued scenes until SIGINT/SIGTERM; a dead worker's scene goes to another")
    .addOption(redisOption().makeOptionMandatory())
    .option("--queue <name>", "queue name (default tilecast)")
    .option("--concurrency <n>", "scenes at once (default 1)", positiveInt("--concurrency"))
    .option(
      "--lock-ms <ms>",
      "a scene's lock without renewal lasts this long (default 30000)",
      positiveInt("--lock-ms"),
    )
    .action(async (o: Parameters<typeof import("./queue.js").workerCommand>[0]) => {
      await (await import("./queue.js")).workerCommand(o);
    });
  cli
    .command("prune")
    .description(
      "remove finished jobs from a queue: Redis keeps each (about 1.4 KB) so that submitting again skips them",
    )
    .addOption(redisOption().makeOptionMandatory())
    .requiredOption("--older-than <duration>", "jobs that finished longer ago than this, e.g. 30d, 12h")
    .option("--failed", "failed jobs too (their errors go with them)")
    .option("--queue <name>", "queue name (default tilecast)")
    .option("--json", "print the counts as JSON")
    .action(async (o: Parameters<typeof import("./queue.js").pruneCommand>[0]) => {
      await (await import("./queue.js")).pruneCommand(o);
    });
  cli
    .command("status")
    .description("recent cycles of every scheduled pipeline (--state), and a queue's scenes by state (--redis)")
    .option("--state <dir>", "where schedule and run --cycle keep their status records")
    .option("--runs <dir>", "runs under this directory: parts done of each output, from the manifests")
    .option(
      "--last <n>",
      "with --state: summarize the newest N cycles of each pipeline (default 50)",
      positiveInt("--last"),
    )
    .addOption(redisOption())
    .option("--queue <name>", "queue name (default tilecast)")
    .option("--json", "print JSON")
    .action(async (o: Parameters<typeof import("./queue.js").statusCommand>[0], cmd: Command) => {
      onlyWhere(cmd, ["last"], o.state !== undefined, "--state (the cycles)");
      onlyWhere(cmd, ["queue"], o.redis !== undefined, "--redis (the queue)");
      await (await import("./queue.js")).statusCommand(o);
    });
  cli
    .command("schedule")
    .description(
      "run a pipeline's cycles on a cron schedule (UTC) until stopped: a lock, catch-up, retries, status records",
    )
    .argument("<pipeline>", "pipeline YAML file; {cycle} and {cycle:%Y%m%dT%H%MZ} in it become each cycle's time")
    .requiredOption("--cron <expr>", "when cycles run, e.g. '*/5 * * * *' (six fields: seconds first)")
    .option("--catch-up <n>", "on start, run up to this many missed cycles first", int("--catch-up"))
    .option("--retries <n>", "retries after a failure, with doubling backoff", int("--retries"))
    .option("--wait <duration>", "wait this long for missing inputs, then skip the cycle (e.g. 10m)")
    .option("--state <dir>", "where locks and status records go", "tilecast-state")
    .option("--set <key=value>", "override a key of the file (repeatable)", collectSet, [])
    .option("--json", "a JSON record per cycle")
    .action(async (file: string, o: import("./schedule.js").ScheduleFlags) => {
      await (await import("./schedule.js")).scheduleCommand(file, o);
    });
}
