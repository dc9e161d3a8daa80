import { Command } from 'commander';
import { usageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** One command of the tree, as the completion scripts see it. */
export interface CompletionNode {
  /** Space-separated path below the root (`""` for the root, `"kv get"`). */
  path: string;
  description: string;
  subcommands: CompletionNode[];
  flags: CompletionFlag[];
}

export interface CompletionFlag {
  /** Without dashes: `format`, `no-store`. */
  name: string;
  takesValue: boolean;
  description: string;
}

/** Values offered after a flag; everything else that takes a value falls back to file names. */
const FLAG_VALUES: Record<string, readonly string[]> = { format: ['table', 'json', 'yaml'] };

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/**
 * `secretum completion bash|zsh|fish`: a completion script generated from the command tree at run
 * time, so it never falls behind the commands. Flags are offered with one dash, as Vault writes
 * them (`-format`); after `-format` the values `table json yaml` are offered.
 *
 *   bash: `source <(secretum completion bash)`
 *   zsh:  `source <(secretum completion zsh)` (or save it as `_secretum` in `$fpath`)
 *   fish: `secretum completion fish > ~/.config/fish/completions/secretum.fish`
 */
export function completionCommand(io: CliIo): Command {
  return new Command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', SHELLS.join(', '))
    .action((shell: string, _flags: unknown, command: Command) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw usageError(`unsupported shell \`${shell}\`; use bash, zsh or fish`);
      let root = command;
      while (root.parent) root = root.parent;
      io.out(completionScript(shell as Shell, root));
    });
}

/** The script for `shell`, completing `root`'s tree. */
export function completionScript(shell: Shell, root: Command): string {
  const tree = completionTree(root);
  const name = root.name();
  switch (shell) {
    case 'bash':
      return bashScript(name, tree);
    case 'zsh':
      return zshScript(name, tree);
    case 'fish':
      return fishScript(name, tree);
  }
}

/** The commander tree as plain data; `--help` is every command's flag, though commander keeps it apart. */
export function completionTree(command: Command, path = ''): CompletionNode {
  const flags: CompletionFlag[] = command.options
    .filter((o) => o.long !== undefined && !o.hidden)
    .map((o) => ({ name: o.long!.replace(/^--/, ''), takesValue: o.required || o.optional, description: o.description }));
  flags.push({ name: 'help', takesValue: false, description: 'show help' });
  return {
    path,
    description: command.description(),
    flags,
    subcommands: command.commands.map((sub) => completionTree(sub, path === '' ? sub.name() : `${path} ${sub.name()}`)),
  };
}

function allNodes(node: CompletionNode): CompletionNode[] {
  return [node, ...node.subcommands.flatMap(allNodes)];
}

/** `case` arms mapping each node path to a space-separated word list (POSIX syntax: bash and zsh). */
function caseTable(fn: string, tree: CompletionNode, words: (n: CompletionNode) => string[]): string {
  const arms = allNodes(tree)
    .map((n) => [n.path, words(n).join(' ')] as const)
    .filter(([, list]) => list !== '')
    .map(([path, list]) => `    ${shellQuote(path)}) echo ${shellQuote(list)} ;;`);
  return `${fn}() {\n  case "$1" in\n${arms.join('\n')}\n  esac\n}\n`;
}

/** `$1` = a flag name: the values to offer after it (none: the shell completes file names). */
function flagValuesFunction(fn: string): string {
  const arms = Object.entries(FLAG_VALUES).map(([flag, values]) => `    ${shellQuote(flag)}) echo ${shellQuote(values.join(' '))} ;;`);
  return `${fn}() {\n  case "$1" in\n${arms.join('\n')}\n  esac\n}\n`;
}

/** The data functions and the walk both POSIX-ish shells share: find the command the cursor is in. */
function sharedFunctions(fn: string, tree: CompletionNode): string {
  return [
    caseTable(`${fn}_subcommands`, tree, (n) => n.subcommands.map((s) => s.path.split(' ').pop()!)),
    caseTable(`${fn}_flags`, tree, (n) => n.flags.map((f) => `-${f.name}`)),
    caseTable(`${fn}_value_flags`, tree, (n) => n.flags.filter((f) => f.takesValue).map((f) => f.name)),
    flagValuesFunction(`${fn}_flag_values`),
    // $1 = node, $2 = word: is the word a subcommand of the node?
    `${fn}_is_subcommand() {\n  case " $(${fn}_subcommands "$1") " in\n    *" $2 "*) return 0 ;;\n  esac\n  return 1\n}\n`,
    // $1 = node, $2 = flag word: does it take the next word as its value?
    `${fn}_takes_value() {\n  local name="\${2#-}"\n  name="\${name#-}"\n  case " $(${fn}_value_flags "$1") " in\n    *" $name "*) return 0 ;;\n  esac\n  return 1\n}\n`,
  ].join('\n');
}

/** Walks words 1…cword-1 (an `=` word is bash splitting `-flag=value` at COMP_WORDBREAKS). */
function walkLoop(fn: string, wordsVar: string, first: number, endExpr: string): string {
  return `  local node="" word i skip=0
  for ((i = ${first}; i < ${endExpr}; i++)); do
    word="\${${wordsVar}[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --) break ;;
      =) skip=1; continue ;;
      -*=*) continue ;;
      -*) ${fn}_takes_value "$node" "$word" && skip=1; continue ;;
    esac
    ${fn}_is_subcommand "$node" "$word" && node="\${node:+$node }$word"
  done
`;
}

function bashScript(name: string, tree: CompletionNode): string {
  const fn = `_${name}`;
  return `# bash completion for ${name}; generated by \`${name} completion bash\`.
# Load it with: source <(${name} completion bash)
${sharedFunctions(fn, tree)}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" flag=""
${walkLoop(fn, 'COMP_WORDS', 1, 'COMP_CWORD')}  COMPREPLY=()
  # "-format json", "-format=json" (bash splits it into -format, =, json) or "-format=" then nothing.
  if [[ "$prev" == "=" && $COMP_CWORD -ge 2 ]]; then flag="\${COMP_WORDS[COMP_CWORD-2]}"
  elif [[ "$cur" == "=" ]]; then flag="$prev"; cur=""
  elif [[ "$prev" == -* ]] && ${fn}_takes_value "$node" "$prev"; then flag="$prev"
  fi
  if [[ -n "$flag" ]]; then
    flag="\${flag#-}"; flag="\${flag#-}"
    local values; values="$(${fn}_flag_values "$flag")"
    [[ -n "$values" ]] && COMPREPLY=($(compgen -W "$values" -- "$cur"))
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_flags "$node")" -- "$cur"))
    return 0
  fi
  local subs; subs="$(${fn}_subcommands "$node")"
  [[ -n "$subs" ]] && COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  return 0
}
complete -o default -F ${fn} ${name}
`;
}

function zshScript(name: string, tree: CompletionNode): string {
  const fn = `_${name}`;
  return `#compdef ${name}
# zsh completion for ${name}; generated by \`${name} completion zsh\`.
# Load it with: source <(${name} completion zsh), or save it as ${fn} in a directory of $fpath.
${sharedFunctions(fn, tree)}
${fn}() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" flag="" values subs
${walkLoop(fn, 'words', 2, 'CURRENT')}  if [[ "$cur" == -*=* ]]; then
    flag="\${cur%%=*}"
    compset -P '*='
  elif [[ "$prev" == -* ]] && ${fn}_takes_value "$node" "$prev"; then
    flag="$prev"
  fi
  if [[ -n "$flag" ]]; then
    flag="\${flag#-}"; flag="\${flag#-}"
    values="$(${fn}_flag_values "$flag")"
    if [[ -n "$values" ]]; then compadd -- \${=values}; else _files; fi
    return
  fi
  if [[ "$cur" == -* ]]; then
    compadd -- \${=\$(${fn}_flags "$node")}
    return
  fi
  subs="$(${fn}_subcommands "$node")"
  if [[ -n "$subs" ]]; then compadd -- \${=subs}; else _files; fi
}

if [[ "\${funcstack[1]}" == "${fn}" ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${name}
fi
`;
}

function fishScript(name: string, tree: CompletionNode): string {
  const fn = `__${name}`;
  const nodes = allNodes(tree);
  const switchTable = (fnName: string, words: (n: CompletionNode) => string[]): string => {
    const arms = nodes
      .map((n) => [n.path, words(n)] as const)
      .filter(([, list]) => list.length > 0)
      .map(([path, list]) => `    case ${fishQuote(path)}\n      printf '%s\\n' ${list.map(fishQuote).join(' ')}`);
    return `function ${fnName}\n  switch "$argv[1]"\n${arms.join('\n')}\n  end\nend\n`;
  };
  const lines: string[] = [];
  for (const node of nodes) {
    const at = `-n ${fishQuote(`${fn}_at ${fishQuote(node.path)}`)}`;
    for (const sub of node.subcommands) {
      const word = sub.path.split(' ').pop()!;
      lines.push(`complete -c ${name} ${at} -f -a ${fishQuote(word)} -d ${fishQuote(firstLine(sub.description))}`);
    }
    for (const flag of node.flags) {
      const values = FLAG_VALUES[flag.name];
      const valuePart = flag.takesValue ? (values ? ` -x -a ${fishQuote(values.join(' '))}` : ' -r') : '';
      lines.push(`complete -c ${name} ${at} -o ${flag.name}${valuePart} -d ${fishQuote(firstLine(flag.description))}`);
    }
  }
  return `# fish completion for ${name}; generated by \`${name} completion fish\`.
# Install it with: ${name} completion fish > ~/.config/fish/completions/${name}.fish
${switchTable(`${fn}_subcommands`, (n) => n.subcommands.map((s) => s.path.split(' ').pop()!))}
${switchTable(`${fn}_value_flags`, (n) => n.flags.filter((f) => f.takesValue).map((f) => f.name))}
# The command the cursor is in: the subcommand words typed so far, flag values skipped.
function ${fn}_node
  set -l node ''
  set -l skip 0
  for word in (commandline -opc)[2..-1]
    if test $skip -eq 1
      set skip 0
      continue
    end
    switch $word
      case '--'
        break
      case '-*=*'
        continue
      case '-*'
        if contains -- (string replace -r -- '^--?' '' $word) (${fn}_value_flags "$node")
          set skip 1
        end
        continue
    end
    if contains -- $word (${fn}_subcommands "$node")
      set node (string trim -- "$node $word")
    end
  end
  echo $node
end

function ${fn}_at
  test (${fn}_node) = "$argv[1]"
end

complete -c ${name} -e
${lines.join('\n')}
`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** A single-quoted word for bash and zsh. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A single-quoted word for fish, where only `\\` and `'` need escaping. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
