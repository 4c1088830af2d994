// The web view's page: the flow lit up as the conversation runs, the chat as a phone
// shows it, an inspector. Plain browser JavaScript, no library: every request goes to
// the server that served this page (its URL carries the run's token), nothing else.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const chat = $('chat');
  const state = { turns: [], selected: null, unmodelled: [], studioBudgetMs: 10000 };

  async function api(route, body) {
    const res = await fetch(route, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) });
    const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
    if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
    return data;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svgNode(selector) {
    return document.querySelector(`#flow ${selector}`);
  }
  function widgetNode(name) {
    return [...document.querySelectorAll('#flow [data-widget]')].find((n) => n.dataset.widget === name);
  }
  function transitionNode(id) {
    return [...document.querySelectorAll('#flow [data-transition]')].find((n) => n.dataset.transition === id);
  }

  // The canvas: every turn's path marked, the last turn's transitions and the widget it stopped at lit.
  function paint() {
    document.querySelectorAll('#flow .visited, #flow .current, #flow .taken, #flow .last, #flow .failed').forEach((n) => n.classList.remove('visited', 'current', 'taken', 'last', 'failed'));
    for (const name of state.unmodelled) widgetNode(name)?.classList.add('unmodelled');
    state.turns.forEach((turn, i) => {
      const last = i === state.turns.length - 1;
      for (const step of turn.path) {
        widgetNode(step.widget)?.classList.add('visited');
        if (step.next) widgetNode(step.next)?.classList.add('visited');
        const t = transitionNode(`${step.widget}#${step.index}`);
        if (t) {
          t.classList.add('taken');
          if (last) t.classList.add('last');
        }
      }
      for (const w of turn.failed) widgetNode(w)?.classList.add('failed');
    });
    const lastTurn = state.turns[state.turns.length - 1];
    const status = $('flow-status');
    if (lastTurn && lastTurn.at) {
      const current = widgetNode(lastTurn.at.widget);
      if (current) {
        current.classList.add('current');
        current.scrollIntoView({ block: 'center', inline: 'center' });
      }
      status.textContent = lastTurn.at.state === 'waiting' ? `waiting at ${lastTurn.at.widget}` : `ended at ${lastTurn.at.widget} (${lastTurn.at.reason})`;
      status.dataset.current = lastTurn.at.widget;
    } else {
      status.textContent = lastTurn ? '' : 'not started';
      delete status.dataset.current;
    }
  }

  function bubble(entry, turn) {
    if (entry.from === 'customer') {
      const b = el('div', 'msg customer', entry.text);
      b.dataset.turn = turn.n;
      b.addEventListener('click', () => inspectTurn(turn, b));
      return b;
    }
    if (entry.from === 'bot') {
      const b = el('div', 'msg bot', entry.text);
      b.dataset.turn = turn.n;
      b.dataset.widget = entry.widget || '';
      if (entry.mediaUrl) b.appendChild(el('span', 'sms-note', `media: ${entry.mediaUrl}`));
      if (entry.content) b.appendChild(el('span', 'sms-note', `content template ${entry.content.sid}`));
      for (const r of entry.rich || []) {
        if (!r.options || !r.options.length) continue;
        const row = el('div', 'quick');
        for (const option of r.options) {
          const q = el('button', 'quick-reply', option);
          q.type = 'button';
          q.addEventListener('click', (ev) => {
            ev.stopPropagation();
            say(option);
          });
          row.appendChild(q);
        }
        b.appendChild(row);
        b.appendChild(el('span', 'sms-note', 'As WhatsApp or webchat would show it; SMS gets only the text.'));
      }
      b.addEventListener('click', () => inspectTurn(turn, b));
      return b;
    }
    if (entry.kind === 'other-recipient') {
      const b = el('div', 'msg other', entry.text);
      b.addEventListener('click', () => inspectTurn(turn, b));
      return b;
    }
    if (entry.kind === 'rich') return null; // shown as quick replies on the bubble
    const s = el('div', `sys ${entry.kind || ''}`, entry.text);
    s.addEventListener('click', () => inspectTurn(turn, s));
    return s;
  }

  function addTurn(turn) {
    state.turns.push(turn);
    for (const entry of turn.entries) {
      const b = bubble(entry, turn);
      if (b) chat.appendChild(b);
    }
    if (turn.calls.length) {
      const slow = turn.slowestCallMs > state.studioBudgetMs / 2;
      chat.appendChild(el('div', `timing${slow ? ' slow' : ''}`, `bot call ${turn.slowestCallMs} ms of Studio's 10 s · turn ${turn.elapsedMs} ms`));
    }
    chat.scrollTop = chat.scrollHeight;
    paint();
  }

  function section(title, body, cls) {
    const box = $('inspector');
    box.appendChild(el('h3', '', title));
    const pre = el('pre', cls || '', typeof body === 'string' ? body : JSON.stringify(body, null, 2));
    box.appendChild(pre);
  }

  function pretty(text) {
    if (text === undefined) return '(none)';
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  function select(node) {
    document.querySelectorAll('.selected').forEach((n) => n.classList.remove('selected'));
    if (node) node.classList.add('selected');
  }

  function inspectTurn(turn, node) {
    select(node);
    const box = $('inspector');
    box.textContent = '';
    $('inspector-what').textContent = `turn ${turn.n}${turn.customer ? `: “${turn.customer}”` : ''}`;
    showCalls(turn.calls);
    showSplits(turn.splits);
    if (turn.handover) showHandover(turn.handover);
    section('Flow variables', turn.variables);
    section('Path', turn.path.map((s) => `${s.widget} —${s.event}→ ${s.next || '(end)'}`).join('\n') || '(no transition)');
  }

  function showCalls(calls) {
    for (const c of calls) {
      section(`${c.widget}: ${c.method} request`, `${c.method} ${c.url}\n${c.contentType ? `Content-Type: ${c.contentType}\n` : ''}\n${c.requestBody ?? ''}`);
      section(`${c.widget}: answer (${c.status ?? c.outcome}, ${c.elapsedMs} ms${c.stub ? `, stub ${c.stub}` : ''})`, c.failure ? `${c.failure}` : pretty(c.responseBody), c.failure ? 'problem' : '');
    }
  }

  // Why a condition cannot hold, from its note's code.
  function conditionNote(note) {
    if (note.code === 'not-comparable') return `${note.side} is not a ${note.as === 'time-of-day' ? 'time of day' : note.as}`;
    if (note.code === 'invalid-regex') return `invalid regex: ${note.error}`;
    return 'unknown condition type';
  }

  // A split's conditions as the page says them: `"yes" equal_to "true": does not hold`, then where it went.
  function showSplits(splits) {
    for (const s of splits || []) {
      const lines = s.checked.map((c) => {
        const value = c.type === 'is_blank' || c.type === 'is_not_blank' ? '' : ` ${JSON.stringify(c.value)}`;
        const note = c.note ? ` (${conditionNote(c.note)})` : '';
        return `${c.friendlyName ? `${c.friendlyName}: ` : ''}${JSON.stringify(s.input)} ${c.type}${value}${note}: ${c.holds ? 'holds' : 'does not hold'}`;
      });
      lines.push(`${s.matched === null ? 'noMatch' : `match #${s.matched}`} → ${s.next || '(end)'}`);
      section(`${s.widget}: split`, lines.join('\n'));
    }
  }

  function showHandover(h) {
    section('What Flex would receive', { workflow: h.workflow, channel: h.channel, created: h.created, attributes: h.attributes ?? h.attributesRaw, problems: h.problems }, h.created ? 'notice' : 'problem');
  }

  function inspectWidget(name, node) {
    select(node);
    const box = $('inspector');
    box.textContent = '';
    const type = node.dataset.type;
    $('inspector-what').textContent = `${name} (${type})`;
    if (state.unmodelled.includes(name)) section('Not modelled', `test-chat does not model "${type}": a run that reaches it stops there.`, 'problem');
    const seen = state.turns.filter((t) => t.path.some((s) => s.widget === name || s.next === name) || t.calls.some((c) => c.widget === name));
    if (!seen.length) {
      box.appendChild(el('p', 'hint', 'No turn has reached this widget yet.'));
      return;
    }
    const turn = seen[seen.length - 1];
    box.appendChild(el('p', 'hint', `Last reached in turn ${turn.n}${turn.customer ? ` (“${turn.customer}”)` : ''}.`));
    const left = turn.path.filter((s) => s.widget === name).map((s) => `${s.event} → ${s.next || '(end)'}`);
    if (left.length) section('Left by', left.join('\n'));
    showCalls(turn.calls.filter((c) => c.widget === name));
    showSplits((turn.splits || []).filter((s) => s.widget === name));
    if (turn.handover && turn.handover.widget === name) showHandover(turn.handover);
    section('Flow variables after that turn', turn.variables);
  }

  function setBusy(on) {
    $('busy').hidden = !on;
    for (const id of ['send', 'silence', 'reset', 'save']) $(id).disabled = on;
  }

  async function run(what, fn) {
    setBusy(true);
    try {
      return await fn();
    } catch (error) {
      chat.appendChild(el('div', 'sys error', `${what}: ${error.message}`));
      chat.scrollTop = chat.scrollHeight;
    } finally {
      setBusy(false);
    }
  }

  function say(text) {
    return run('Send', () => api('send', { text }));
  }

  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = $('message').value;
    if (!text.trim()) return;
    $('message').value = '';
    say(text);
  });
  $('silence').addEventListener('click', () => run('Silence', () => api('silence')));
  $('reset').addEventListener('click', () => run('Reset', () => api('reset')));
  $('escalate').addEventListener('click', () =>
    run('Escalate preview', async () => {
      const { text } = await api('escalate');
      $('inspector').textContent = '';
      $('inspector-what').textContent = 'escalate preview';
      section('twilio cognigy:escalate', text);
    }),
  );
  $('save').addEventListener('click', () =>
    run('Save', async () => {
      const { text } = await api('save', { file: $('save-file').value });
      chat.appendChild(el('div', 'sys saved', text));
      chat.scrollTop = chat.scrollHeight;
    }),
  );

  function clear(conversation) {
    state.turns = [];
    chat.textContent = '';
    $('conversation-no').textContent = `· session ${conversation}`;
    paint();
  }

  // Zoom: the drawing keeps its proportions; "fit" shows the whole flow in the pane.
  let scale = 0.8;
  function zoom(next) {
    const svg = document.querySelector('#flow svg');
    if (!svg) return;
    const [, , w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
    if (next === 'fit') {
      const pane = $('flow');
      next = Math.min(pane.clientWidth / w, pane.clientHeight / h);
    }
    scale = Math.max(0.1, Math.min(2, next));
    svg.setAttribute('width', String(Math.round(w * scale)));
    svg.setAttribute('height', String(Math.round(h * scale)));
    // Keep the widget the flow is at in view.
    document.querySelector('#flow .current')?.scrollIntoView({ block: 'center', inline: 'center' });
  }
  $('zoom-in').addEventListener('click', () => zoom(scale * 1.25));
  $('zoom-out').addEventListener('click', () => zoom(scale / 1.25));
  $('zoom-fit').addEventListener('click', () => zoom('fit'));

  async function start() {
    const res = await fetch('state');
    const snapshot = await res.json();
    state.unmodelled = snapshot.unmodelled;
    $('flow').innerHTML = snapshot.svg; // markup built and escaped by the server
    document.querySelectorAll('#flow [data-widget]').forEach((node) => {
      node.addEventListener('click', () => inspectWidget(node.dataset.widget, node));
    });
    zoom(scale);
    clear(snapshot.conversation);
    for (const turn of snapshot.turns) addTurn(turn);
    const events = new EventSource('events');
    events.addEventListener('turn', (ev) => addTurn(JSON.parse(ev.data).turn));
    events.addEventListener('reset', (ev) => clear(JSON.parse(ev.data).conversation));
    // While a turn runs: the canvas follows the flow widget by widget, and says which call it waits on.
    events.addEventListener('live', (ev) => {
      const { event: e, transition } = JSON.parse(ev.data);
      if (e.type === 'widget-left') {
        if (transition) transitionNode(transition)?.classList.add('taken', 'last');
        widgetNode(e.widget)?.classList.add('visited');
      } else if (e.type === 'widget-entered') {
        document.querySelectorAll('#flow .current').forEach((n) => n.classList.remove('current'));
        const w = widgetNode(e.widget);
        if (w) w.classList.add('visited', 'current');
        $('flow-status').textContent = `at ${e.widget}`;
      } else if (e.type === 'call-started') {
        $('busy').textContent = `${e.bot ? 'calling the bot' : `calling ${e.host}`} at ${e.widget}… (Studio waits ${e.budgetMs / 1000} s at most)`;
      } else if (e.type === 'call-ended') {
        $('busy').textContent = `${e.widget}: ${e.outcome} in ${Math.round(e.elapsedMs)} ms`;
      }
    });
    events.addEventListener('turn-started', (ev) => {
      const { customer } = JSON.parse(ev.data);
      $('busy').textContent = customer === '(silence)' ? 'the customer stays silent…' : 'the flow is running…';
    });
    document.body.dataset.ready = 'true';
  }
  start();
})();
