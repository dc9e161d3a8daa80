import { Command } from 'commander';
import { createContext, withClientFlags, type ClientFlags } from '../context.js';
import { api, CliError, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { structured } from '../output.js';

/**
 * `secretum token capabilities [TOKEN] PATH`: what a token may do on a path, from
 * `sys/capabilities-self`, `sys/capabilities` or (with `-accessor`) `sys/capabilities-accessor`
 * (https://developer.hashicorp.com/vault/docs/commands/token/capabilities). Added under `token`.
 */
export function tokenCapabilitiesCommand(io: CliIo): Command {
  return withClientFlags(new Command('capabilities'))
    .description("show a token's capabilities on a path (the calling token when TOKEN is omitted)")
    .argument('<token-or-path>', 'TOKEN, or PATH when only one argument is given')
    .argument('[path]')
    .option('--accessor', 'TOKEN is an accessor')
    .action(async (first: string, second: string | undefined, flags: ClientFlags & { accessor?: boolean }) => {
      const ctx = createContext(flags, io);
      const [token, path] = second === undefined ? [undefined, first] : [first, second];
      if (flags.accessor && token === undefined) throw usageError('`-accessor` needs an accessor argument before PATH');
      const [endpoint, body] =
        token === undefined
          ? ['sys/capabilities-self', { paths: [path] }]
          : flags.accessor
            ? ['sys/capabilities-accessor', { accessor: token, paths: [path] }]
            : ['sys/capabilities', { token, paths: [path] }];
      const result = await api(`listing capabilities on ${path}`, () => ctx.client.write(endpoint, body));
      const data = (result?.data ?? {}) as Record<string, unknown>;
      const capabilities = data['capabilities'] ?? data[path];
      if (!Array.isArray(capabilities)) throw new CliError(`Error listing capabilities on ${path}: the server sent no capabilities`);
      const sorted = (capabilities as string[]).slice().sort();
      if (ctx.format !== 'table') return io.out(structured(ctx.format, sorted));
      io.out(`${sorted.join(', ')}\n`);
    });
}
