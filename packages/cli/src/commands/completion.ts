/**
 * `bw-relay completion bash|zsh|fish`: a completion script generated from the command tree
 * itself, so it can never list a command or option that does not exist. (The completion
 * libraries for commander are young or unmaintained; the tree walk is a few lines.)
 */
import type { Command, Option } from "commander";
import { type App, examples } from "../context.ts";
import { usageError } from "../errors.ts";

interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

function walk(cmd: Command, path: string[] = [], nodes: Node[] = []): Node[] {
  const options = cmd.options
    .filter((o) => !o.hidden)
    .flatMap((o) => [o.long, o.short])
    .filter((f): f is string => Boolean(f));
  nodes.push({
    path,
    subcommands: cmd.commands.map((c) => c.name()),
    options: [...options, "--help"],
  });
  for (const sub of cmd.commands) walk(sub, [...path, sub.name()], nodes);
  return nodes;
}

/** Flags that take a value: the word after them is not a command. */
function valueFlags(cmd: Command, found = new Set<string>()): Set<string> {
  for (const o of cmd.options as Option[]) {
    if (o.required || o.optional) for (const f of [o.long, o.short]) if (f) found.add(f);
  }
  for (const sub of cmd.commands) valueFlags(sub, found);
  return found;
}

export function bashScript(program: Command): string {
  const global = program.options
    .flatMap((o) => [o.long, o.short])
    .filter(Boolean)
    .join(" ");
  const cases = walk(program)
    .map(
      (n) =>
        `    "${n.path.join(" ")}") words="${[...n.subcommands, ...n.options, ...(n.path.length ? global.split(" ") : [])].join(" ")}" ;;`,
    )
    .join("\n");
  return `# bw-relay completion for bash (zsh: the same after bashcompinit)
_bw_relay() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" skip="" i w words
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ -n $skip ]]; then skip=""; continue; fi
    case " ${[...valueFlags(program)].join(" ")} " in *" $w "*) skip=1; continue ;; esac
    [[ $w == -* ]] && continue
    case "$path" in
${walk(program)
  .filter((n) => n.subcommands.length)
  .map(
    (n) =>
      `      "${n.path.join(" ")}") case " ${n.subcommands.join(" ")} " in *" $w "*) path="\${path:+$path }$w" ;; esac ;;`,
  )
  .join("\n")}
    esac
  done
  case "$path" in
${cases}
    *) words="${global}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _bw_relay bw-relay
`;
}

export function fishScript(program: Command): string {
  const lines = ["# bw-relay completion for fish", "complete -c bw-relay -f"];
  for (const o of program.options)
    if (o.long)
      lines.push(`complete -c bw-relay -l ${o.long.slice(2)} -d ${JSON.stringify(o.description)}`);
  for (const top of program.commands) {
    lines.push(
      `complete -c bw-relay -n __fish_use_subcommand -a ${top.name()} -d ${JSON.stringify(top.description())}`,
    );
    for (const sub of top.commands) {
      lines.push(
        `complete -c bw-relay -n "__fish_seen_subcommand_from ${top.name()}" -a ${sub.name()} -d ${JSON.stringify(sub.description())}`,
      );
    }
    for (const cmd of [top, ...top.commands]) {
      for (const o of cmd.options)
        if (o.long)
          lines.push(
            `complete -c bw-relay -n "__fish_seen_subcommand_from ${cmd.name()}" -l ${o.long.slice(2)} -d ${JSON.stringify(o.description)}`,
          );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function registerCompletion(program: Command, app: App): void {
  const cmd = program
    .command("completion")
    .argument("[shell]", "bash, zsh or fish", "bash")
    .description("print a shell completion script");
  examples(cmd, [
    "completion bash > ~/.local/share/bash-completion/completions/bw-relay",
    "completion zsh >> ~/.zshrc",
    "completion fish > ~/.config/fish/completions/bw-relay.fish",
  ]).action((shell: string, _o, c: Command) => {
    const ctx = app.ctx(c);
    if (!["bash", "zsh", "fish"].includes(shell))
      throw usageError(`unknown shell "${shell}" (bash, zsh or fish)`);
    const text =
      shell === "fish"
        ? fishScript(program)
        : shell === "zsh"
          ? `autoload -U +X bashcompinit && bashcompinit\n${bashScript(program)}`
          : bashScript(program);
    ctx.io.stdout.write(text);
  });
}
