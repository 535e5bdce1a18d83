// Recognises package-manager invocations in a RUN script (apt-get, apk, yum, dnf, zypper, pip,
// npm, yarn, gem, go) and splits their arguments into subcommand, options and operands, so the
// best-practice rules can ask "does this install pin versions / skip recommends / answer yes".
import { commandIndex, type ShellCommand, type ShellWord } from './shell';

export type PackageManager =
  'apt-get' | 'apt' | 'apk' | 'yum' | 'dnf' | 'microdnf' | 'zypper' | 'pip' | 'npm' | 'yarn' | 'gem' | 'go';

export interface PackageInvocation {
  readonly manager: PackageManager;
  readonly command: ShellCommand;
  /** The word naming the manager (`apt-get`, or `pip` in `python -m pip`). */
  readonly managerWord: ShellWord;
  /** The first operand that is not an option: `install`, `add`, `clean`… */
  readonly subcommand?: ShellWord;
  /** Option words anywhere after the manager (`-y`, `--no-cache`, `-o=…`). */
  readonly options: readonly ShellWord[];
  /** Non-option words after the subcommand, without the values of options that take one. */
  readonly operands: readonly ShellWord[];
}

/** Options that consume the following word as their value, per manager. */
const optionsWithValue: Record<PackageManager, ReadonlySet<string>> = {
  'apt-get': new Set([
    '-o',
    '--option',
    '-c',
    '--config-file',
    '-t',
    '--target-release',
    '--default-release',
  ]),
  apt: new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release']),
  apk: new Set([
    '-X',
    '--repository',
    '-p',
    '--root',
    '-t',
    '--virtual',
    '--arch',
    '--cache-dir',
    '--keys-dir',
    '--repositories-file',
  ]),
  yum: new Set([
    '-c',
    '--config',
    '-d',
    '--debuglevel',
    '-e',
    '--errorlevel',
    '-R',
    '--randomwait',
    '-x',
    '--exclude',
    '--installroot',
    '--releasever',
    '--enablerepo',
    '--disablerepo',
    '--setopt',
  ]),
  dnf: new Set([
    '-c',
    '--config',
    '-d',
    '--debuglevel',
    '-e',
    '--errorlevel',
    '-R',
    '--randomwait',
    '-x',
    '--exclude',
    '--installroot',
    '--releasever',
    '--enablerepo',
    '--disablerepo',
    '--setopt',
    '--repo',
    '--repoid',
  ]),
  microdnf: new Set([
    '--setopt',
    '--enablerepo',
    '--disablerepo',
    '--installroot',
    '--releasever',
    '--config',
  ]),
  zypper: new Set(['-r', '--repo', '--from', '-t', '--type', '-R', '--root', '--installroot']),
  pip: new Set([
    '-r',
    '--requirement',
    '-c',
    '--constraint',
    '-e',
    '--editable',
    '-i',
    '--index-url',
    '--extra-index-url',
    '-f',
    '--find-links',
    '-t',
    '--target',
    '--prefix',
    '--root',
    '--src',
    '--platform',
    '--python-version',
    '--implementation',
    '--abi',
    '--trusted-host',
    '--cache-dir',
    '--progress-bar',
    '--upgrade-strategy',
    '--only-binary',
    '--no-binary',
    '--report',
    '--log',
    '--proxy',
    '--timeout',
    '--retries',
    '--cert',
    '--client-cert',
    '--config-settings',
    '-C',
    '--python',
  ]),
  npm: new Set([
    '--prefix',
    '--registry',
    '--cache',
    '-w',
    '--workspace',
    '--tag',
    '--userconfig',
    '--loglevel',
  ]),
  yarn: new Set(['--cwd', '--registry', '--cache-folder', '--modules-folder', '--network-timeout']),
  gem: new Set([
    '-v',
    '--version',
    '-i',
    '--install-dir',
    '-n',
    '--bindir',
    '-s',
    '--source',
    '--platform',
    '-P',
    '--trust-policy',
  ]),
  go: new Set([
    '-C',
    '-o',
    '-p',
    '-tags',
    '-ldflags',
    '-gcflags',
    '-asmflags',
    '-mod',
    '-modfile',
    '-overlay',
    '-pkgdir',
    '-toolexec',
    '-exec',
  ]),
};

const managerNames: ReadonlySet<string> = new Set(Object.keys(optionsWithValue));

function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

function managerOf(name: string): PackageManager | undefined {
  if (managerNames.has(name)) return name as PackageManager;
  if (/^pip[23](\.\d+)?$/.test(name)) return 'pip';
  return undefined;
}

/** Finds the package-manager invocation a simple command makes, if any. */
export function packageInvocation(command: ShellCommand): PackageInvocation | undefined {
  const words = command.words;
  let at = commandIndex(words);
  if (at >= words.length) return undefined;
  let manager = managerOf(basename(words[at].value));
  // `python -m pip install …` and `python3 -m pip …`
  if (!manager && /^python[23]?(\.\d+)?$/.test(basename(words[at].value)) && words[at + 1]?.value === '-m') {
    if (words[at + 2]?.value === 'pip') {
      manager = 'pip';
      at += 2;
    }
  }
  if (!manager) return undefined;
  const valued = optionsWithValue[manager];
  const options: ShellWord[] = [];
  const operands: ShellWord[] = [];
  let subcommand: ShellWord | undefined;
  for (let i = at + 1; i < words.length; i++) {
    const word = words[i];
    if (word.value.startsWith('-') && word.value.length > 1) {
      options.push(word);
      if (valued.has(word.value) && i + 1 < words.length) i++;
      continue;
    }
    if (!subcommand) subcommand = word;
    else operands.push(word);
  }
  return { manager, command, managerWord: words[at], subcommand, options, operands };
}

/** True when one of the options is `long`, or a short option cluster containing `short` (`-qy`). */
export function hasOption(
  invocation: PackageInvocation,
  short: string | undefined,
  ...long: string[]
): boolean {
  return invocation.options.some((o) => {
    const name = o.value.split('=')[0];
    if (long.includes(name)) return true;
    return short !== undefined && /^-[A-Za-z]+$/.test(o.value) && o.value.slice(1).includes(short);
  });
}

/** True when the word is a value we cannot judge statically (a variable or a substitution). */
export function isDynamic(word: ShellWord): boolean {
  return word.value.includes('$') || word.value.includes('`');
}
