/** TaskRouter v1: workspaces, workflows, task channels, task queues and tasks. */
import { badRequest, notFound } from './errors';
import { created, HandlerContext, HandlerTable, listReply, ok } from './handler';
import type { TaskChannelRecord, TaskQueueRecord, TaskRecord, WorkflowRecord, WorkspaceRecord } from './state';
import { compileTaskExpression } from './task-expression';

function workspaceOr404(ctx: HandlerContext, sid: string): WorkspaceRecord {
  const workspace = ctx.state.workspaces.get(sid);
  if (!workspace) throw notFound(`/v1/Workspaces/${sid}`);
  return workspace;
}

function inWorkspace<T extends { workspace_sid: string }>(map: Map<string, T>, workspaceSid: string): T[] {
  return [...map.values()].filter((r) => r.workspace_sid === workspaceSid);
}

function renderWorkspace(ctx: HandlerContext, w: WorkspaceRecord) {
  const url = ctx.url(`/v1/Workspaces/${w.sid}`);
  const links: Record<string, string> = {};
  for (const part of ['Activities', 'Statistics', 'TaskChannels', 'TaskQueues', 'Tasks', 'Workers', 'Workflows', 'Events']) {
    links[part.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()] = `${url}/${part}`;
  }
  return { account_sid: ctx.state.accountSid, ...w, url, links };
}

function renderWorkflow(ctx: HandlerContext, w: WorkflowRecord) {
  const url = ctx.url(`/v1/Workspaces/${w.workspace_sid}/Workflows/${w.sid}`);
  return {
    account_sid: ctx.state.accountSid,
    ...w,
    url,
    links: {
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
    },
  };
}

function renderTaskChannel(ctx: HandlerContext, c: TaskChannelRecord) {
  return {
    account_sid: ctx.state.accountSid,
    ...c,
    url: ctx.url(`/v1/Workspaces/${c.workspace_sid}/TaskChannels/${c.sid}`),
    links: { workspace: ctx.url(`/v1/Workspaces/${c.workspace_sid}`) },
  };
}

function renderTaskQueue(ctx: HandlerContext, q: TaskQueueRecord) {
  const url = ctx.url(`/v1/Workspaces/${q.workspace_sid}/TaskQueues/${q.sid}`);
  return {
    account_sid: ctx.state.accountSid,
    ...q,
    url,
    links: {
      workspace: ctx.url(`/v1/Workspaces/${q.workspace_sid}`),
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
    },
  };
}

function renderTask(ctx: HandlerContext, t: TaskRecord) {
  const url = ctx.url(`/v1/Workspaces/${t.workspace_sid}/Tasks/${t.sid}`);
  const links: Record<string, string> = {
    reservations: `${url}/Reservations`,
    workspace: ctx.url(`/v1/Workspaces/${t.workspace_sid}`),
  };
  if (t.workflow_sid) links.workflow = ctx.url(`/v1/Workspaces/${t.workspace_sid}/Workflows/${t.workflow_sid}`);
  if (t.task_queue_sid) links.task_queue = ctx.url(`/v1/Workspaces/${t.workspace_sid}/TaskQueues/${t.task_queue_sid}`);
  const age = Math.max(0, Math.floor((Date.now() - Date.parse(t.date_created)) / 1000));
  return { account_sid: ctx.state.accountSid, ...t, age, url, links };
}

function byFriendlyName<T extends { friendly_name: string }>(items: T[], name: unknown): T[] {
  return typeof name === 'string' ? items.filter((i) => i.friendly_name === name) : items;
}

export const taskrouterHandlers: HandlerTable = {
  ListWorkspace: (ctx) =>
    listReply(ctx, 'workspaces', byFriendlyName([...ctx.state.workspaces.values()], ctx.query.FriendlyName), (w) =>
      renderWorkspace(ctx, w),
    ),

  FetchWorkspace: (ctx) => ok(renderWorkspace(ctx, workspaceOr404(ctx, ctx.params.Sid))),

  ListWorkflow: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const items = byFriendlyName(inWorkspace(ctx.state.workflows, ctx.params.WorkspaceSid), ctx.query.FriendlyName);
    return listReply(ctx, 'workflows', items, (w) => renderWorkflow(ctx, w));
  },

  FetchWorkflow: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const workflow = ctx.state.workflows.get(ctx.params.Sid);
    if (!workflow || workflow.workspace_sid !== ctx.params.WorkspaceSid) throw notFound(`Workflow ${ctx.params.Sid}`);
    return ok(renderWorkflow(ctx, workflow));
  },

  ListTaskChannel: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    return listReply(ctx, 'channels', inWorkspace(ctx.state.taskChannels, ctx.params.WorkspaceSid), (c) =>
      renderTaskChannel(ctx, c),
    );
  },

  FetchTaskChannel: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const channel = ctx.state.findTaskChannel(ctx.params.WorkspaceSid, ctx.params.Sid);
    if (!channel) throw notFound(`TaskChannel ${ctx.params.Sid}`);
    return ok(renderTaskChannel(ctx, channel));
  },

  ListTaskQueue: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const items = byFriendlyName(inWorkspace(ctx.state.taskQueues, ctx.params.WorkspaceSid), ctx.query.FriendlyName);
    return listReply(ctx, 'task_queues', items, (q) => renderTaskQueue(ctx, q));
  },

  FetchTaskQueue: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const queue = ctx.state.taskQueues.get(ctx.params.Sid);
    if (!queue || queue.workspace_sid !== ctx.params.WorkspaceSid) throw notFound(`TaskQueue ${ctx.params.Sid}`);
    return ok(renderTaskQueue(ctx, queue));
  },

  ListTask: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const q = ctx.query;
    let matches: ((attributes: string) => boolean) | undefined;
    if (typeof q.EvaluateTaskAttributes === 'string') {
      try {
        matches = compileTaskExpression(q.EvaluateTaskAttributes);
      } catch (err) {
        throw badRequest(20001, `EvaluateTaskAttributes: ${(err as Error).message}`);
      }
    }
    const statuses: string[] | undefined = q.AssignmentStatus;
    const tasks = inWorkspace(ctx.state.tasks, ctx.params.WorkspaceSid).filter(
      (t) =>
        (!statuses || statuses.includes(t.assignment_status)) &&
        (q.Priority === undefined || t.priority === q.Priority) &&
        (!q.WorkflowSid || t.workflow_sid === q.WorkflowSid) &&
        (!q.WorkflowName || t.workflow_friendly_name === q.WorkflowName) &&
        (!q.TaskQueueSid || t.task_queue_sid === q.TaskQueueSid) &&
        (!q.TaskQueueName || t.task_queue_friendly_name === q.TaskQueueName) &&
        (!matches || matches(t.attributes)),
    );
    return listReply(ctx, 'tasks', tasks, (t) => renderTask(ctx, t));
  },

  CreateTask: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const b = ctx.body;
    if (b.Attributes !== undefined) {
      try {
        JSON.parse(b.Attributes);
      } catch {
        throw badRequest(20001, 'Attributes must be a JSON string');
      }
    }
    if (b.WorkflowSid && !ctx.state.workflows.has(b.WorkflowSid)) throw badRequest(20001, `Workflow ${b.WorkflowSid} not found`);
    if (b.TaskChannel && !ctx.state.findTaskChannel(ctx.params.WorkspaceSid, b.TaskChannel)) {
      throw badRequest(20001, `TaskChannel ${b.TaskChannel} not found`);
    }
    const task = ctx.state.createTask(ctx.params.WorkspaceSid, {
      workflowSid: b.WorkflowSid,
      taskChannel: b.TaskChannel,
      attributes: b.Attributes,
      priority: b.Priority,
      timeout: b.Timeout,
      taskQueueSid: b.TaskQueueSid,
      routingTarget: b.RoutingTarget,
      virtualStartTime: b.VirtualStartTime,
      ignoreCapacity: b.IgnoreCapacity === undefined ? null : b.IgnoreCapacity === 'true',
    });
    return created(renderTask(ctx, task));
  },

  FetchTask: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const task = ctx.state.tasks.get(ctx.params.Sid);
    if (!task || task.workspace_sid !== ctx.params.WorkspaceSid) throw notFound(`Task ${ctx.params.Sid}`);
    return ok(renderTask(ctx, task));
  },

  UpdateTask: (ctx) => {
    workspaceOr404(ctx, ctx.params.WorkspaceSid);
    const task = ctx.state.tasks.get(ctx.params.Sid);
    if (!task || task.workspace_sid !== ctx.params.WorkspaceSid) throw notFound(`Task ${ctx.params.Sid}`);
    const b = ctx.body;
    if (b.Attributes !== undefined) task.attributes = b.Attributes;
    if (b.AssignmentStatus !== undefined) task.assignment_status = b.AssignmentStatus;
    if (b.Reason !== undefined) task.reason = b.Reason;
    if (b.Priority !== undefined) task.priority = b.Priority;
    task.date_updated = ctx.state.now();
    return ok(renderTask(ctx, task));
  },
};
