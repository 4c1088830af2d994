import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../files';
import { hideEndpointToken } from './endpoint-token';
import type { FlowDefinition } from '../domain/flow';

/**
 * What link-flow remembers between runs, beside the saved setup: the revision it last
 * deployed of each flow (to notice edits made in the Console since) and backups of
 * every definition it overwrote (to restore them). Backups hold no URL token.
 */
/**
 * Appended to the commit message of every revision link-flow writes, so that the flow
 * itself says who wrote its latest revision: a CI run with a fresh HOME has no
 * deployments.json, yet must still notice an edit made in the Console.
 */
export const DEPLOY_MARKER = '[twilio cognigy:link-flow]';

export function markedCommitMessage(text?: string): string {
  return text?.trim() ? `${text.trim()} ${DEPLOY_MARKER}` : DEPLOY_MARKER;
}

export function isMarked(commitMessage: string | null | undefined): boolean {
  return typeof commitMessage === 'string' && commitMessage.includes(DEPLOY_MARKER);
}

export interface DeployRecord {
  revision: number;
  deployedAt: string;
}

export class FlowHistory {
  constructor(private readonly dir: string) {}

  private get recordsFile(): string {
    return path.join(this.dir, 'deployments.json');
  }

  lastDeployed(flowSid: string): DeployRecord | undefined {
    return this.readRecords()[flowSid];
  }

  recordDeploy(flowSid: string, revision: number): void {
    const records = this.readRecords();
    records[flowSid] = { revision, deployedAt: new Date().toISOString() };
    writeFileAtomic(this.recordsFile, `${JSON.stringify(records, null, 2)}\n`);
  }

  /** Saves a definition about to be overwritten; returns the backup's path. */
  backup(
    flow: { sid: string; name: string; revision: number; status: string; definition: FlowDefinition },
    endpointUrl?: string,
  ): string {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = path.join(this.dir, 'backups', `${flow.sid}-r${flow.revision}-${stamp}.json`);
    const content: FlowBackup = {
      flowSid: flow.sid,
      name: flow.name,
      revision: flow.revision,
      status: flow.status,
      savedAt: new Date().toISOString(),
      definition: hideEndpointToken(flow.definition, endpointUrl),
    };
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, 'the backup of the flow');
    return file;
  }

  private readRecords(): Record<string, DeployRecord> {
    try {
      return JSON.parse(fs.readFileSync(this.recordsFile, 'utf8'));
    } catch {
      return {};
    }
  }
}

export interface FlowBackup {
  flowSid: string;
  name: string;
  revision: number;
  status: string;
  savedAt: string;
  definition: FlowDefinition;
}
