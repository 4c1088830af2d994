/** Studio v2: flows, revisions, validation, executions, their context and steps. */
import { badRequest, FakeHttpError, notFound } from './errors';
import { parseDefinition } from './flow-check';
import { created, HandlerContext, HandlerTable, listReply, noContent, ok, parseJsonParam } from './handler';
import type { ExecutionRecord, FlowRecord, RevisionRecord, StepRecord } from './state';

/** Studio's code for a definition it refuses. */
const INVALID_DEFINITION = 81022;

function flowOr404(ctx: HandlerContext, sid: string): FlowRecord {
  const flow = ctx.state.flows.get(sid);
  if (!flow) throw notFound(`/v2/Flows/${sid}`);
  return flow;
}

function executionOr404(ctx: HandlerContext, flowSid: string, sid: string): ExecutionRecord {
  flowOr404(ctx, flowSid);
  const execution = ctx.state.executions.get(sid);
  if (!execution || execution.flow_sid !== flowSid) throw notFound(`/v2/Flows/${flowSid}/Executions/${sid}`);
  return execution;
}

function renderFlow(ctx: HandlerContext, flow: FlowRecord) {
  const url = ctx.url(`/v2/Flows/${flow.sid}`);
  return {
    account_sid: ctx.state.accountSid,
    ...flow,
    webhook_url: `https://webhooks.twilio.com/v1/Accounts/${ctx.state.accountSid}/Flows/${flow.sid}`,
    url,
    links: { test_users: `${url}/TestUsers`, revisions: `${url}/Revisions`, executions: `${url}/Executions` },
  };
}

function renderRevision(ctx: HandlerContext, revision: RevisionRecord) {
  return {
    account_sid: ctx.state.accountSid,
    ...revision,
    url: ctx.url(`/v2/Flows/${revision.sid}/Revisions/${revision.revision}`),
  };
}

function renderExecution(ctx: HandlerContext, execution: ExecutionRecord) {
  const url = ctx.url(`/v2/Flows/${execution.flow_sid}/Executions/${execution.sid}`);
  return {
    account_sid: ctx.state.accountSid,
    ...execution,
    url,
    links: { steps: `${url}/Steps`, execution_context: `${url}/Context` },
  };
}

function renderStep(ctx: HandlerContext, step: StepRecord) {
  const url = ctx.url(`/v2/Flows/${step.flow_sid}/Executions/${step.execution_sid}/Steps/${step.sid}`);
  return { account_sid: ctx.state.accountSid, ...step, url, links: { step_context: `${url}/Context` } };
}

/**
 * A definition the API would store: parse failures are always refused; a published flow
 * must also pass the checks (a draft may be saved invalid, with `valid: false`).
 */
function acceptDefinition(raw: unknown, status: string): Record<string, any> {
  const { definition, failures } = parseDefinition(raw);
  if (!definition || (status === 'published' && failures.length > 0)) {
    throw badRequest(INVALID_DEFINITION, 'Invalid Flow Definition', { errors: failures });
  }
  return definition;
}

export const studioHandlers: HandlerTable = {
  ListFlow: (ctx) => listReply(ctx, 'flows', [...ctx.state.flows.values()], (f) => renderFlow(ctx, f)),

  CreateFlow: (ctx) => {
    const { FriendlyName, Status, Definition, CommitMessage } = ctx.body;
    const definition = acceptDefinition(Definition, Status);
    const flow = ctx.state.createFlow({ friendlyName: FriendlyName, status: Status, definition, commitMessage: CommitMessage });
    return created(renderFlow(ctx, flow));
  },

  FetchFlow: (ctx) => ok(renderFlow(ctx, flowOr404(ctx, ctx.params.Sid))),

  UpdateFlow: (ctx) => {
    const flow = flowOr404(ctx, ctx.params.Sid);
    const { Status, FriendlyName, Definition, CommitMessage } = ctx.body;
    const definition = Definition === undefined ? undefined : acceptDefinition(Definition, Status);
    if (definition === undefined && Status === 'published' && !flow.valid) {
      throw badRequest(INVALID_DEFINITION, 'Invalid Flow Definition', { errors: flow.errors });
    }
    ctx.state.updateFlow(flow, { status: Status, friendlyName: FriendlyName, definition, commitMessage: CommitMessage });
    return ok(renderFlow(ctx, flow));
  },

  DeleteFlow: (ctx) => {
    flowOr404(ctx, ctx.params.Sid);
    ctx.state.deleteFlow(ctx.params.Sid);
    return noContent();
  },

  UpdateFlowValidate: (ctx) => {
    const { failures } = parseDefinition(ctx.body.Definition);
    if (failures.length > 0) throw badRequest(INVALID_DEFINITION, 'Invalid Flow Definition', { errors: failures });
    return ok({ valid: true });
  },

  ListFlowRevision: (ctx) => {
    flowOr404(ctx, ctx.params.Sid);
    // newest first, as the Console shows them
    const revisions = [...(ctx.state.revisions.get(ctx.params.Sid) ?? [])].reverse();
    return listReply(ctx, 'revisions', revisions, (r) => renderRevision(ctx, r));
  },

  FetchFlowRevision: (ctx) => {
    flowOr404(ctx, ctx.params.Sid);
    const revisions = ctx.state.revisions.get(ctx.params.Sid) ?? [];
    const wanted = ctx.params.Revision;
    let found: RevisionRecord | undefined;
    if (wanted === 'LatestRevision') found = revisions[revisions.length - 1];
    else if (wanted === 'LatestPublished') found = [...revisions].reverse().find((r) => r.status === 'published');
    else if (/^\d+$/.test(wanted)) found = revisions.find((r) => r.revision === Number(wanted));
    else throw badRequest(20001, `Revision must be a number, LatestPublished or LatestRevision, not "${wanted}"`);
    if (!found) throw notFound(`/v2/Flows/${ctx.params.Sid}/Revisions/${wanted}`);
    return ok(renderRevision(ctx, found));
  },

  ListExecution: (ctx) => {
    flowOr404(ctx, ctx.params.FlowSid);
    const from = ctx.query.DateCreatedFrom ? Date.parse(ctx.query.DateCreatedFrom) : -Infinity;
    const to = ctx.query.DateCreatedTo ? Date.parse(ctx.query.DateCreatedTo) : Infinity;
    const executions = [...ctx.state.executions.values()].filter((e) => {
      const at = Date.parse(e.date_created);
      return e.flow_sid === ctx.params.FlowSid && at >= from && at <= to;
    });
    return listReply(ctx, 'executions', executions, (e) => renderExecution(ctx, e));
  },

  CreateExecution: (ctx) => {
    const flow = flowOr404(ctx, ctx.params.FlowSid);
    const { To, From, Parameters } = ctx.body;
    const data = Parameters === undefined ? {} : parseJsonParam(Parameters, (m) => badRequest(20001, `Parameters is not valid JSON: ${m}`));
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw badRequest(20001, 'Parameters must be a JSON object');
    if (ctx.state.activeExecution(flow.sid, To)) {
      throw new FakeHttpError(409, 20409, `An active execution already exists for ${To} on this flow`);
    }
    const execution = ctx.state.addExecution(flow.sid, To, { flowAddress: From, data });
    return created(renderExecution(ctx, execution));
  },

  FetchExecution: (ctx) => ok(renderExecution(ctx, executionOr404(ctx, ctx.params.FlowSid, ctx.params.Sid))),

  UpdateExecution: (ctx) => {
    const execution = executionOr404(ctx, ctx.params.FlowSid, ctx.params.Sid);
    if (ctx.body.Status === 'active' && execution.status === 'ended') {
      throw badRequest(20001, 'An ended execution cannot be made active again');
    }
    if (execution.status !== ctx.body.Status) {
      execution.status = ctx.body.Status;
      execution.date_updated = ctx.state.now();
    }
    return ok(renderExecution(ctx, execution));
  },

  DeleteExecution: (ctx) => {
    executionOr404(ctx, ctx.params.FlowSid, ctx.params.Sid);
    ctx.state.executions.delete(ctx.params.Sid);
    ctx.state.steps.delete(ctx.params.Sid);
    return noContent();
  },

  FetchExecutionContext: (ctx) => {
    const execution = executionOr404(ctx, ctx.params.FlowSid, ctx.params.ExecutionSid);
    return ok({
      account_sid: ctx.state.accountSid,
      context: execution.context,
      flow_sid: execution.flow_sid,
      execution_sid: execution.sid,
      url: ctx.url(`/v2/Flows/${execution.flow_sid}/Executions/${execution.sid}/Context`),
    });
  },

  ListExecutionStep: (ctx) => {
    const execution = executionOr404(ctx, ctx.params.FlowSid, ctx.params.ExecutionSid);
    return listReply(ctx, 'steps', ctx.state.steps.get(execution.sid) ?? [], (s) => renderStep(ctx, s));
  },

  FetchExecutionStep: (ctx) => {
    const execution = executionOr404(ctx, ctx.params.FlowSid, ctx.params.ExecutionSid);
    const step = (ctx.state.steps.get(execution.sid) ?? []).find((s) => s.sid === ctx.params.Sid);
    if (!step) throw notFound(`/v2/Flows/${execution.flow_sid}/Executions/${execution.sid}/Steps/${ctx.params.Sid}`);
    return ok(renderStep(ctx, step));
  },
};
