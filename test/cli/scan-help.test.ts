import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.js';
import { runCli, spawnCli } from '../helpers/cli.js';

/** Every command path of the CLI: ['scan'], ['rules', 'list'], ... */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length > 0 ? [path, ...commandPaths(c, path)] : [path];
  });
}

const paths = commandPaths(await buildProgram());

describe('Function: buildProgram (help)', () => {
  it('has the scan and rules commands', () => {
    // Assess
    expect(paths).toEqual(
      expect.arrayContaining([
        ['scan'],
        ['rules'],
        ['rules', 'validate'],
        ['rules', 'list'],
        ['rules', 'test'],
        ['rules', 'patterns'],
      ]),
    );
  });

  // Every command, the groups (rules, drift, ...) and the program itself included: the README promises it.
  it.each([['tpguard', [] as string[]], ...paths.map((p) => [p.join(' '), p] as [string, string[]])])(
    'gives "%s --help" with an example',
    async (_name, path) => {
      // Act
      const { code, stdout } = await runCli([...path, '--help']);

      // Assess
      expect(code).toBe(0);
      expect(stdout).toMatch(/Usage: tpguard /);
      expect(stdout).toMatch(/Examples?:\n +\$ (tpguard|npx tpguard|npm|cat) /);
    },
  );

  it('works right after npm ci through npx, with no build step', async () => {
    // Act
    const { code, stdout } = await spawnCli(['--help'], { command: ['npx', '--no-install', 'tpguard'] });

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: tpguard /);
    expect(stdout).toContain('scan');
    expect(stdout).toContain('rules');
  });
});

describe('Function: commandOf', () => {
  it('names the command after the global --now option, and nothing for unknown words', async () => {
    // Act + Assess
    const { commandOf } = await import('../../cli/main.js');
    expect(commandOf(['--now', '2027-01-01T00:00:00Z', 'review', 'run'])).toBe('review');
    expect(commandOf(['scan', 'events/'])).toBe('scan');
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf(['scna'])).toBeUndefined();
  });

  it('loads only the named command', async () => {
    // Act
    const program = await buildProgram(['scan', 'events/']);

    // Assess
    expect(program.commands.map((c) => c.name())).toEqual(['scan']);
  });
});
