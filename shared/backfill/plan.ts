import { ArchiveSelectionError } from './errors.js';
import {
  type AccountRoot,
  type ArchiveKind,
  archivePrefixes,
  checkAccounts,
  checkRange,
  checkRegions,
  type DateRange,
  isAccountId,
  isOrganizationId,
  isRegion,
  lastSegment,
  logsRoot,
  narrowTo,
  serviceFolder,
} from './layout.js';

/** Lists the "folders" under a prefix (ListObjectsV2 with `Delimiter: '/'`, every page). */
export interface FolderLister {
  folders(bucket: string, prefix: string): Promise<string[]>;
}

/** What to read of an archive: its kind, a date range, and optionally accounts and regions. */
export interface ArchiveSelection extends DateRange {
  kind: ArchiveKind;
  /** Default: every account folder found. */
  accounts?: readonly string[];
  /** Default: every region folder found under each account. */
  regions?: readonly string[];
}

/** The prefixes to list, and what the discovery found (for the user's summary line). */
export interface ArchivePlan {
  prefixes: string[];
  accounts: string[];
  regions: string[];
  organizations: string[];
}

/**
 * The key prefixes of an archive to list for a selection, discovering the organization, account
 * and region folders with delimiter listings where the selection does not name them. The user's
 * prefix may stop above `AWSLogs/` (the bucket, a trail prefix) or go below it (one account).
 * @example await planArchive(lister, 'org-trail', '', { kind: 'cloudtrail', from: '2026-10-01', to: '2026-12-31' })
 */
export async function planArchive(
  lister: FolderLister,
  bucket: string,
  userPrefix: string,
  selection: ArchiveSelection,
): Promise<ArchivePlan> {
  checkRange(selection);
  if (selection.accounts) checkAccounts(selection.accounts);
  if (selection.regions) checkRegions(selection.regions);
  const root = logsRoot(userPrefix);
  const roots = await accountRoots(lister, bucket, root, selection.accounts);
  const prefixes: string[] = [];
  const regionsSeen = new Set<string>();
  for (const r of roots) {
    const regions = selection.regions
      ? [...selection.regions]
      : (await lister.folders(bucket, serviceFolder(selection.kind, r))).map(lastSegment).filter(isRegion);
    for (const region of regions) regionsSeen.add(region);
    prefixes.push(...archivePrefixes(selection.kind, [r], regions, selection));
  }
  const narrowed = userPrefix.length > root.length ? narrowTo(prefixes, userPrefix) : prefixes;
  return {
    prefixes: narrowed,
    accounts: [...new Set(roots.map((r) => r.account))].sort(),
    regions: [...regionsSeen].sort(),
    organizations: [...new Set(roots.flatMap((r) => (r.organization ? [r.organization] : [])))].sort(),
  };
}

async function accountRoots(
  lister: FolderLister,
  bucket: string,
  root: string,
  wanted: readonly string[] | undefined,
): Promise<AccountRoot[]> {
  const keep = (account: string) => !wanted || wanted.includes(account);
  const out: AccountRoot[] = [];
  for (const folder of await lister.folders(bucket, root)) {
    const name = lastSegment(folder);
    if (isAccountId(name)) {
      if (keep(name)) out.push({ prefix: folder, account: name });
      continue;
    }
    if (!isOrganizationId(name)) continue;
    for (const accountFolder of await lister.folders(bucket, folder)) {
      const account = lastSegment(accountFolder);
      if (isAccountId(account) && keep(account)) out.push({ prefix: accountFolder, account, organization: name });
    }
  }
  if (out.length === 0)
    throw new ArchiveSelectionError(
      wanted ? '--accounts' : 'archive',
      `no ${wanted ? 'such ' : ''}account folder under s3://${bucket}/${root}`,
    );
  return out.sort((a, b) => a.prefix.localeCompare(b.prefix));
}
