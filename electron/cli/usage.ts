// The command line's help text, and how a usage mistake is said: JSON with --json, else the
// message, its hint and the whole help on stderr; exit status 64 either way.
import type { CliIo } from './cli-io';

export const USAGE = `usage: checkpoint-studio <command> [options]

commands:
  doctor [--json] [--remeasure] [--clean]
                               check CRIU, the kernel and the engine, with what the engine was
                               measured to do (--remeasure: measure it again; --clean: remove the
                               checkpoint copies containerd left in /tmp); exit 1 if something blocks
  ps [--all] [--json]          list containers
  start|stop|restart|kill|pause|unpause|remove <container>...
                               each container on its own; remove is forced and keeps volumes
                               (a Docker container's checkpoints go with it); exit 1 if any failed
  clones <container> [--rm]    the clones made of it (from which checkpoint, state, ports); --rm removes them
  serve [--port N]             start browser mode on 127.0.0.1 and print its URL

  checkpoint <container> [--name NAME] [--leave-running] [--note TEXT] [--tcp-established] [--file-locks]
  checkpoints [<container>]
  restore <container> [--checkpoint NAME] [--force]      newest when no name; --force replaces a running one
  clone <container> --checkpoint NAME --count N [--prefix PREFIX] [--ports auto|none|FROM-TO] [--plan]
                               (--plan: only the names, the problems and what each clone takes along)
  rm <container> --checkpoint NAME

  inspect <folder|archive|container:checkpoint>           processes, memory, files, sockets, timings
  diff <A> <B>                                            what changed between two checkpoints
  memsearch <source> <pattern> [--regex] [--pid P] [--max-hits N]

  migrate <container> --to ENGINE [--keep-source]        move it to another engine; it goes on where it was
  export <container> --checkpoint NAME --output FILE [--compress zstd|gzip|none]
                               one archive, in the layout Podman and checkpointctl read
  import FILE [--name NAME] [--count N]                  new containers from an archive, restored where it was
  image ls                                                checkpoint images on the engine (the app's and Podman's)
  image create <container> --checkpoint NAME --name IMAGE a checkpoint kept as an OCI image
  image restore IMAGE [--name NAME] [--count N]           new containers from a checkpoint image
  image push IMAGE --to IMAGE | image pull IMAGE | image rm IMAGE
                               through the engine's own registry settings (loopback registries: plain HTTP)
  library                                                 every checkpoint the app knows, of every engine and container
                               (KEPT: engine, archive = the container is gone but the app kept it, gone)
  engines [ls]                                            the engines the app connects to, with their health
  engines add NAME ADDRESS [--tls DIR]                    unix:///path, tcp://host:2376 (with --tls), ssh://user@host
        [--identity FILE] [--host-key SHA256:…]           ssh: the key to log in with; the host key you expect
  engines rename NAME NEW-NAME
  engines rm NAME

  schedule <container> --every 5m [--keep 10] [--hourly N] [--daily N] [--budget 2G] [--max-failures 3]
  schedule <container> --pause | --resume
  schedules                                               every schedule, its state, last and next run
  unschedule <container>                                  remove the schedule (its checkpoints stay)

options for every command:
  --engine ADDRESS|ID=ADDRESS  the engine (default: DOCKER_HOST, else /var/run/docker.sock);
                               serve accepts it more than once
  --json                       machine-readable output
`;

/** A usage mistake: said in JSON with --json, as text otherwise; exit status 64. */
export function usageError(io: CliIo, json: boolean, message: string, hint?: string): number {
  if (json) {
    io.out(
      JSON.stringify(
        { ok: false, error: { code: 'invalid-argument', message, ...(hint ? { hint } : {}) } },
        null,
        2,
      ),
    );
  } else {
    io.err(`error: ${message}${hint ? `\nhint: ${hint}` : ''}\n\n${USAGE}`);
  }
  return 64;
}
