// charterbot sandbox page: plain JS, no build step. The server is the source of truth; this
// page renders what the embedded Slack workspace holds and sends every click and keystroke
// to the sandbox API, which turns it into a signed Slack request to the real bot.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const esc = window.escapeHtml;
const API = "/sandbox/api";

const S = {
  info: null,        // /state
  persona: null,     // person object
  view: null,        // {kind: "channel"|"home", channel: id, name}
  messages: [],      // top-level messages of the open channel, ts ascending
  hasMore: false,
  loadingOlder: false,
  thread: null,      // {ts, parent, replies}
  modal: null,       // current modal view
  modalErrors: {},
  clockOffset: 0,    // sandbox time minus Date.now(), in ms
  md: null,
  ready: false,
  loads: 0,          // snapshots (/messages, /thread) on their way
  during: [],        // message events received while a snapshot was on its way
  viewSeq: 0,        // event number the shown channel snapshot was taken at
  focus: null,       // ts of the message a permalink pointed at (highlighted)
};

// ------------------------------------------------------------------ helpers

// Every state-changing request carries the token the server put into this page at start.
const TOKEN = (document.querySelector("meta[name='sandbox-token']") || {}).content || "";

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json", "X-Sandbox-Token": TOKEN }, body: JSON.stringify(body),
  };
  let resp;
  try {
    resp = await fetch(API + path, opts);
  } catch (e) {
    return { ok: false, error: "network", message: L("network") };
  }
  try { return await resp.json(); } catch (e) { return { ok: false, error: `http_${resp.status}`, message: `The sandbox answered HTTP ${resp.status}.` }; }
}

const KEY = (m) => (m.ephemeral ? "e" : "m") + m.ts;
const tsNum = (ts) => parseFloat(ts);
const TZ = () => (S.info && S.info.timezone) || "Asia/Seoul";

// ------------------------------------------------------------------ the page's own language
// The page's labels (not the bot's messages) follow the persona's language; the texts are the
// catalogue's `sandbox.*` keys, served with /state.
function lang() { return (S.persona && S.persona.lang) || (S.info && S.info.language) || "en"; }
function L(key, params = {}, language = lang()) {
  const all = (S.info && S.info.i18n) || {};
  const texts = all[language] || all.en || {};
  const text = texts[key] === undefined ? key : texts[key];
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}
function Lboth(key, params = {}) {  // the workspace's language first, then the other
  const first = (S.info && S.info.language) || "ko";
  return `${L(key, params, first)} / ${L(key, params, first === "ko" ? "en" : "ko")}`;
}
const LOCALE = () => (lang() === "ko" ? "ko-KR" : "en-GB");

function applyLabels() {
  document.documentElement.lang = lang();
  $(".persona-label-text").textContent = L("acting_as");
  $("#clock").title = L("clock.title", { zone: TZ() });
  document.querySelectorAll("#clockbar button").forEach((b) => {
    b.textContent = L(`clock.${b.dataset.step}`);
    b.title = L(`clock.${b.dataset.step}_tip`);
  });
  const send = $("#composer .send");
  send.textContent = L("send");
  send.title = L("send_tip");
  $("#thread-composer .send").textContent = L("send");
  $("#thread-composer textarea").placeholder = L("reply_placeholder");
  $("#thread .thread-header h2").textContent = L("thread");
  $("#thread .close-thread").setAttribute("aria-label", L("close"));
  const sel = $("#persona");
  const chosen = sel.value;
  sel.innerHTML = S.info.people.map((p) => `<option value="${esc(p.id)}">${esc(p.real_name)} — ${esc(L(`role.${p.role}`))}, ${esc(p.locale)}</option>`).join("");
  if (chosen) sel.value = chosen;
  tickClock();
  if (!$("#suggest").hidden) renderSuggest();  // an open autocomplete follows the language too
}

function fmtTime(ts) {
  return new Intl.DateTimeFormat(LOCALE(), { timeZone: TZ(), hour: "2-digit", minute: "2-digit" }).format(new Date(tsNum(ts) * 1000));
}
function fmtDay(ts) {
  return new Intl.DateTimeFormat(LOCALE(), { timeZone: TZ(), weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(tsNum(ts) * 1000));
}
function fmtClock(d) {
  return new Intl.DateTimeFormat(LOCALE(), { timeZone: TZ(), weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(d) + " KST";
}

function colorFor(id) {
  let h = 0;
  for (const c of String(id)) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${h} 45% 42%)`;
}
function initials(name) {
  const words = String(name).replace(/\(.*\)/, "").trim().split(/\s+/).filter((w) => /^[A-Za-z]/.test(w));
  return (words.length ? words.map((w) => w[0]).join("") : String(name).slice(0, 1)).slice(0, 2).toUpperCase();
}
const userOf = (id) => (S.info.users[id] || { name: id, real_name: id });

function banner(kind, title, details = [], { sticky = false } = {}) {
  const div = document.createElement("div");
  div.className = `banner ${kind}`;
  div.innerHTML = `<div><b>${esc(title)}</b>${details.length ? `<ul>${details.map((d) => `<li>${esc(d)}</li>`).join("")}</ul>` : ""}</div>
    <button type="button" class="icon dismiss" aria-label="${esc(L("dismiss"))}">×</button>`;
  div.querySelector(".dismiss").onclick = () => div.remove();
  $("#banners").prepend(div);
  const all = $("#banners").querySelectorAll(".banner");
  for (let i = 5; i < all.length; i++) all[i].remove();
  if (!sticky && kind !== "error") setTimeout(() => div.remove(), 8000);
  return div;
}

// What a failed answer says, in the persona's language when the catalogue knows the error.
function messageOf(res) {
  const key = `error.${res.error}`;
  const text = L(key, res.params || {});
  if (text !== key && !/\{\w+\}/.test(text)) return text;
  return res.message || res.error || L("something_wrong");
}

function showError(res, where) {
  const msg = messageOf(res);
  if (where) { where.textContent = msg; } else { banner("notice", msg); }
}

// ------------------------------------------------------------------ routing

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  return { persona: parts[0] || "", channel: parts[1] || "", focus: parts[2] || "" };
}
function go(personaName, channel, focus) {
  const hash = `#/${encodeURIComponent(personaName)}/${encodeURIComponent(channel)}${focus ? "/" + encodeURIComponent(focus) : ""}`;
  if (location.hash !== hash) location.hash = hash; else route();
}
// A permalink (chat.getPermalink answers `<page>/#<channel id>/<ts>`): open that channel as
// the current persona (or the first staff persona) and scroll to the message.
function permalinkTarget(first, second) {
  const people = S.info.people;
  const isPerson = people.some((x) => x.name.toLowerCase() === first.toLowerCase() || x.id.toLowerCase() === first.toLowerCase());
  if (isPerson || !/^[CGD][A-Z0-9]+$/.test(first)) return null;
  const owner = people.find((x) => x.dm === first);
  const p = owner || S.persona || people.find((x) => !x.external) || people[0];
  const ch = S.info.channels.find((c) => c.id === first);
  return { persona: p.name, channel: owner ? "dm" : (ch ? ch.name : first), focus: second };
}
function focusMessage() {
  const box = $("#messages");
  const el = S.focus && box.querySelector(`.msg[data-ts="${CSS.escape(S.focus)}"]`);
  if (!el) return false;
  el.classList.add("focused");
  el.style.background = "#fff4c2";
  el.scrollIntoView({ block: "center" });
  return true;
}
function defaultChannel(p) { return p.external ? "intake" : "triage"; }

async function route() {
  const { persona, channel, focus } = parseHash();
  const people = S.info.people;
  if (!persona) return go(people[0].name, defaultChannel(people[0]));
  const link = permalinkTarget(persona, channel);
  if (link) return go(link.persona, link.channel, link.focus);
  S.focus = focus || null;
  const p = people.find((x) => x.name.toLowerCase() === persona.toLowerCase() || x.id.toLowerCase() === persona.toLowerCase());
  if (!p) {
    // no persona, so no language to follow: say it in both
    const names = people.map((x) => x.name).join(", ");
    renderNotice(Lboth("unknown_persona", { name: persona }), Lboth("pick_persona", { names }));
    S.persona = null;
    renderSidebar();
    return;
  }
  if (!channel) return go(p.name, defaultChannel(p));
  const personaChanged = !S.persona || S.persona.id !== p.id;
  S.persona = p;
  if (personaChanged) applyLabels();
  $("#persona").value = p.id;
  closeThread();
  if (personaChanged) { S.modal = null; renderModal(); }
  if (channel.toLowerCase() === "home") {
    S.view = { kind: "home", channel: p.dm, name: "home" };
    renderSidebar();
    await openHome();
  } else {
    S.view = { kind: "channel", channel: null, name: channel };
    renderSidebar();
    await loadChannel(channel);
    // an older message: page back until it is loaded (bounded)
    for (let i = 0; S.focus && !focusMessage() && S.hasMore && i < 50; i++) await loadOlder();
  }
  if (personaChanged) await fetchModal();
}

// ------------------------------------------------------------------ sidebar and header

function renderSidebar() {
  const p = S.persona;
  const current = S.view && (S.view.kind === "home" ? "home" : S.view.channel);
  const chans = S.info.channels.filter((c) => !p || !p.external || c.shared);
  const link = (target, label, id, extra = "") => `<a href="#/${encodeURIComponent(p ? p.name : "")}/${encodeURIComponent(target)}"
      class="side-item${current === id ? " active" : ""}" data-channel="${esc(id)}">${label}${extra}</a>`;
  let html = `<div class="side-team">${esc(S.info.team)}</div>`;
  if (p) {
    html += `<div class="side-me"><span class="avatar sm" style="background:${colorFor(p.id)}">${esc(initials(p.real_name))}</span>
      <div><div class="me-name">${esc(p.real_name)}</div><div class="me-role">${esc(p.title)} · ${esc(p.locale)}</div></div></div>`;
    html += `<div class="side-section">${esc(L("channels"))}</div>`;
    html += chans.map((c) => link(c.name, `<span class="hash">#</span> ${esc(c.name)}`, c.id, c.shared ? ` <span class="shared" title="${esc(L("shared_tip"))}">⇄</span>` : "")).join("");
    html += `<div class="side-section">${esc(L("direct_messages"))}</div>`;
    html += link("dm", `<span class="avatar xs bot">CB</span> charterbot`, p.dm);
    html += `<div class="side-section">${esc(L("apps"))}</div>`;
    html += link("home", `<span class="avatar xs bot">CB</span> charterbot — ${esc(L("home"))}`, "home");
  }
  $("#sidebar").innerHTML = html;
}

function renderHeader(title, topic) {
  $("#pane-title").textContent = title;
  $("#pane-topic").textContent = topic || "";
}

function renderNotice(title, text) {
  const n = $("#notice");
  n.hidden = false;
  n.innerHTML = `<h2>${esc(title)}</h2><p>${esc(text)}</p>`;
  $("#messages").hidden = true;
  $("#home").hidden = true;
  $("#composer").hidden = true;
  renderHeader("", "");
}

// ------------------------------------------------------------------ messages

// Live updates and snapshots travel on different connections, so a message event may arrive
// before the snapshot it is newer than (or is already part of). Message events received while
// a snapshot is on its way are kept; once the snapshot is shown, the ones the server pushed
// after taking it (event number above the snapshot's `seq`) are applied on top.
async function snapshot(path) {
  S.loads++;
  try { return await api(path); } finally { S.loads--; }
}
function caughtUp(res) {
  const later = res && res.ok ? S.during.filter((ev) => ev.seq > res.seq) : [];
  if (!S.loads) S.during = [];
  for (const ev of later) applyEvent(ev);
}

async function loadChannel(name) {
  const res = await snapshot(`/messages?as=${encodeURIComponent(S.persona.id)}&channel=${encodeURIComponent(name)}`);
  if (!res.ok) {
    caughtUp(null);
    renderNotice(res.error === "unknown_channel" ? L("unknown_channel", { name }) : L("not_available"), messageOf(res));
    return;
  }
  S.view.channel = res.channel;
  S.messages = res.messages;
  S.viewSeq = res.seq;
  S.hasMore = res.has_more;
  $("#notice").hidden = true;
  $("#home").hidden = true;
  $("#messages").hidden = false;
  $("#composer").hidden = false;
  const ch = S.info.channels.find((c) => c.id === res.channel);
  if (ch) renderHeader(`# ${ch.name}`, ch.topic);
  else renderHeader("charterbot", L("dm_topic"));
  $("#composer-input").placeholder = ch ? L("composer.channel", { name: ch.name }) : L("composer.dm");
  renderSidebar();
  renderMessages(true);
  caughtUp(res);
  if (!S.ready) { S.ready = true; window.__sandboxReadyAt = performance.now(); document.body.dataset.ready = "1"; }
}

async function reloadLatest() {
  if (!S.view || S.view.kind !== "channel" || !S.view.channel) return;
  const res = await snapshot(`/messages?as=${encodeURIComponent(S.persona.id)}&channel=${encodeURIComponent(S.view.channel)}`);
  // Another channel is open by now, or a newer snapshot is already shown (answers to two
  // reloads can come back in either order): this one would only take the page back.
  if (!res.ok || !S.view || res.channel !== S.view.channel || res.seq < S.viewSeq) { caughtUp(null); return; }
  const oldest = res.messages.length ? tsNum(res.messages[0].ts) : Infinity;
  const keep = S.messages.filter((m) => tsNum(m.ts) < oldest);
  S.messages = keep.concat(res.messages);
  S.viewSeq = res.seq;
  if (!keep.length) S.hasMore = res.has_more;
  renderMessages(false);
  caughtUp(res);
}

async function loadOlder() {
  if (S.loadingOlder || !S.hasMore || !S.messages.length) return;
  S.loadingOlder = true;
  const box = $("#messages");
  const before = S.messages[0].ts;
  const res = await api(`/messages?as=${encodeURIComponent(S.persona.id)}&channel=${encodeURIComponent(S.view.channel)}&before=${before}`);
  S.loadingOlder = false;
  if (!res.ok) return;
  const fromBottom = box.scrollHeight - box.scrollTop;
  S.messages = res.messages.concat(S.messages);
  S.hasMore = res.has_more;
  renderMessages(false);
  box.scrollTop = box.scrollHeight - fromBottom;
}

function upsert(list, msg) {
  const key = KEY(msg);
  const i = list.findIndex((m) => KEY(m) === key);
  if (i >= 0) { list[i] = msg; return; }
  let j = list.length;
  while (j > 0 && tsNum(list[j - 1].ts) > tsNum(msg.ts)) j--;
  list.splice(j, 0, msg);
}

function renderMessages(scrollToEnd) {
  const box = $("#messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  let html = S.hasMore ? `<div class="load-older">${esc(L("load_older"))}</div>` : `<div class="channel-start">${esc(L("channel_start"))}</div>`;
  let lastDay = "";
  for (const m of S.messages) {
    const day = fmtDay(m.ts);
    if (day !== lastDay) { html += `<div class="day-divider"><span>${esc(day)}</span></div>`; lastDay = day; }
    html += messageHtml(m, "channel");
  }
  box.innerHTML = html;
  if (scrollToEnd || nearBottom) box.scrollTop = box.scrollHeight;
}

function messageHtml(m, where) {
  const u = userOf(m.user);
  const guide = !m.bot && m.user === S.info.guide;  // the sandbox's own note, not the bot's
  const name = m.bot ? "charterbot" : guide ? L("guide") : u.real_name;
  const avatar = m.bot ? `<span class="avatar bot">CB</span>` : `<span class="avatar" style="background:${colorFor(m.user)}">${esc(initials(u.real_name))}</span>`;
  const body = m.blocks && m.blocks.length ? renderBlocks(m.blocks, "message") : `<div class="text">${S.md.render(m.text)}</div>`;
  const attachments = (m.attachments || []).map((a) => `<div class="attachment" style="border-color:${esc(/^#?[0-9a-f]{3,6}$/i.test(a.color || "") ? (a.color.startsWith("#") ? a.color : "#" + a.color) : "#ddd")}">
      ${a.title ? `<b>${esc(a.title)}</b>` : ""}${a.text ? `<div>${S.md.render(a.text)}</div>` : ""}${a.blocks ? renderBlocks(a.blocks, "message") : ""}</div>`).join("");
  const reactions = (m.reactions || []).map((r) => `<button type="button" class="reaction${r.users.includes(S.persona.id) ? " mine" : ""}" data-op="react" data-name="${esc(r.name)}" title="${esc(r.users.map((id) => userOf(id).name).join(", "))} reacted with :${esc(r.name)}:">${EMOJI[r.name] || ":" + esc(r.name) + ":"} <span>${r.count}</span></button>`).join("");
  const replies = where === "channel" && m.reply_count ? `<button type="button" class="thread-summary" data-op="thread">
      ${(m.reply_users || []).slice(0, 3).map((id) => `<span class="avatar xs" style="background:${id === S.info.bot.id ? "#1d4f91" : colorFor(id)}">${esc(id === S.info.bot.id ? "CB" : initials(userOf(id).real_name))}</span>`).join("")}
      <b>${esc(m.reply_count === 1 ? L("reply") : L("replies", { count: m.reply_count }))}</b> <span class="muted">${esc(L("last_reply", { time: fmtTime(m.latest_reply) }))}</span></button>` : "";
  const tools = m.ephemeral ? "" : `<div class="msg-tools">
      <button type="button" class="icon" data-op="react" data-name="ticket" title="${esc(L("react_ticket"))}" aria-label="${esc(L("react_ticket"))}">🎫</button>
      ${where === "channel" ? `<button type="button" class="icon" data-op="thread" title="${esc(L("reply_in_thread"))}" aria-label="${esc(L("reply_in_thread"))}">💬</button>` : ""}
      <button type="button" class="icon" data-op="menu" title="${esc(L("more_actions"))}" aria-label="${esc(L("more_actions"))}">⋮</button></div>`;
  return `<div class="msg${m.ephemeral ? " ephemeral" : ""}${S.focus === m.ts && where === "channel" ? " focused" : ""}"${S.focus === m.ts && where === "channel" ? ` style="background:#fff4c2"` : ""} data-ts="${esc(m.ts)}" data-ephemeral="${m.ephemeral ? 1 : ""}" data-key="${esc(KEY(m))}">
    ${avatar}<div class="msg-body">
      <div class="meta"><span class="name">${esc(name)}</span>${m.bot ? `<span class="app-badge">APP</span>` : guide ? `<span class="app-badge guide-badge" title="${esc(L("guide_tip"))}">${esc(L("guide_badge"))}</span>` : ""}<span class="time" title="${esc(fmtDay(m.ts))}">${esc(fmtTime(m.ts))}</span>${m.edited ? `<span class="muted">${esc(L("edited"))}</span>` : ""}</div>
      <div class="content">${body}${attachments}</div>
      ${m.ephemeral ? `<div class="only-you">👁 ${esc(L("only_you"))}</div>` : ""}
      ${reactions ? `<div class="reactions">${reactions}</div>` : ""}${replies}
    </div>${tools}</div>`;
}

// ------------------------------------------------------------------ Block Kit

function elementHtml(el, surface, bi, ei) {
  const at = `data-bi="${bi}"${ei === null ? "" : ` data-ei="${ei}"`}`;
  const ph = (el.placeholder && el.placeholder.text) || "";
  switch (el.type) {
    case "button":
      return `<button type="button" class="bk-button ${esc(el.style || "")}" data-op="action" ${at}${el.url ? ` data-url="${esc(el.url)}"` : ""}>${S.md.plain(el.text)}</button>`;
    case "static_select": case "external_select": {
      const opts = (el.options || []).concat(...(el.option_groups || []).map((g) => g.options || []));
      return `<select class="bk-select" data-op="select" ${at}><option value="">${esc(ph || L("select_item"))}</option>${opts.map((o) => `<option value="${esc(o.value)}"${el.initial_option && el.initial_option.value === o.value ? " selected" : ""}>${esc(o.text.text)}</option>`).join("")}</select>`;
    }
    case "users_select":
      return `<select class="bk-select" data-op="select" ${at}><option value="">${esc(ph || L("select_person"))}</option>${peopleOptions(el.initial_user)}</select>`;
    case "overflow":
      return `<button type="button" class="bk-button overflow" data-op="overflow" ${at} aria-label="${esc(L("more_options"))}">⋯</button>`;
    case "datepicker":
      return `<input type="date" class="bk-date" data-op="select" ${at} value="${esc(el.initial_date || "")}">`;
    case "timepicker":
      return `<input type="time" class="bk-time" data-op="select" ${at} value="${esc(el.initial_time || "")}">`;
    case "image":
      return `<img class="bk-accessory-img" src="${esc(el.image_url || "")}" alt="${esc(el.alt_text || "")}">`;
    default:
      return `<span class="unsupported">[${esc(el.type)}]</span>`;
  }
}

function peopleOptions(selected) {
  return Object.entries(S.info.users).filter(([, u]) => !u.is_bot)
    .map(([id, u]) => `<option value="${esc(id)}"${selected === id ? " selected" : ""}>${esc(u.real_name)}</option>`).join("");
}

function inputHtml(block, bi) {
  const el = block.element || {};
  const id = `in-${bi}`;
  const ph = (el.placeholder && el.placeholder.text) || "";
  let control;
  switch (el.type) {
    case "plain_text_input":
      control = el.multiline
        ? `<textarea id="${id}" rows="4" ${el.max_length ? `maxlength="${Number(el.max_length)}"` : ""} placeholder="${esc(ph)}">${esc(el.initial_value || "")}</textarea>`
        : `<input id="${id}" type="text" ${el.max_length ? `maxlength="${Number(el.max_length)}"` : ""} placeholder="${esc(ph)}" value="${esc(el.initial_value || "")}">`;
      break;
    case "static_select": case "external_select": {
      const opts = (el.options || []).concat(...(el.option_groups || []).map((g) => g.options || []));
      control = `<select id="${id}"><option value="">${esc(ph || L("select_item"))}</option>${opts.map((o) => `<option value="${esc(o.value)}"${el.initial_option && el.initial_option.value === o.value ? " selected" : ""}>${esc(o.text.text)}</option>`).join("")}</select>`;
      break;
    }
    case "users_select":
      control = `<select id="${id}"><option value="">${esc(ph || L("select_person"))}</option>${peopleOptions(el.initial_user)}</select>`;
      break;
    case "datepicker":
      control = `<input id="${id}" type="date" value="${esc(el.initial_date || "")}">`;
      break;
    case "timepicker":
      control = `<input id="${id}" type="time" value="${esc(el.initial_time || "")}">`;
      break;
    case "email_text_input": case "url_text_input": case "number_input":
      control = `<input id="${id}" type="${el.type === "email_text_input" ? "email" : el.type === "url_text_input" ? "url" : "number"}" value="${esc(el.initial_value || "")}">`;
      break;
    case "checkboxes": case "radio_buttons": {
      const type = el.type === "checkboxes" ? "checkbox" : "radio";
      const init = new Set((el.initial_options || (el.initial_option ? [el.initial_option] : [])).map((o) => o.value));
      control = `<div id="${id}" class="choices">${(el.options || []).map((o) => `<label><input type="${type}" name="${id}" value="${esc(o.value)}"${init.has(o.value) ? " checked" : ""}> ${S.md.plain(o.text)}</label>`).join("")}</div>`;
      break;
    }
    default:
      control = `<input id="${id}" type="text">`;
  }
  const err = S.modalErrors[block.block_id];
  return `<div class="bk-input${err ? " has-error" : ""}" data-bi="${bi}" data-block-id="${esc(block.block_id || "")}" data-type="${esc(el.type)}" data-optional="${block.optional ? 1 : ""}">
    <label for="${id}">${esc(block.label && block.label.text)}${block.optional ? ` <span class="muted">${esc(L("optional"))}</span>` : ""}</label>
    ${control}
    ${block.hint ? `<div class="hint">${esc(block.hint.text)}</div>` : ""}
    <div class="field-error" role="alert">${err ? esc(err) : ""}</div></div>`;
}

function renderBlocks(blocks, surface) {
  return (blocks || []).map((b, bi) => {
    switch (b.type) {
      case "header": return `<div class="bk-header">${S.md.plain(b.text)}</div>`;
      case "divider": return `<hr class="bk-divider">`;
      case "section": {
        const fields = b.fields ? `<div class="bk-fields">${b.fields.map((f) => `<div>${S.md.plain(f)}</div>`).join("")}</div>` : "";
        const acc = b.accessory ? `<div class="bk-accessory">${elementHtml(b.accessory, surface, bi, null)}</div>` : "";
        return `<div class="bk-section"><div class="bk-section-main">${b.text ? `<div class="text">${S.md.plain(b.text)}</div>` : ""}${fields}</div>${acc}</div>`;
      }
      case "context": return `<div class="bk-context">${(b.elements || []).map((e) => e.type === "image" ? `<img src="${esc(e.image_url)}" alt="${esc(e.alt_text)}">` : `<span>${S.md.plain(e)}</span>`).join("")}</div>`;
      case "actions": return `<div class="bk-actions">${(b.elements || []).map((e, ei) => elementHtml(e, surface, bi, ei)).join("")}</div>`;
      case "rich_text": return `<div class="bk-rich">${S.md.richText(b)}</div>`;
      case "markdown": return `<div class="text">${S.md.render(b.text)}</div>`;
      case "image": return `<figure class="bk-image">${b.title ? `<figcaption>${esc(b.title.text)}</figcaption>` : ""}<img src="${esc(b.image_url || "")}" alt="${esc(b.alt_text || "")}"></figure>`;
      case "input": return surface === "modal" ? inputHtml(b, bi) : "";
      default: return `<div class="unsupported">Unsupported block: ${esc(b.type)}</div>`;
    }
  }).join("");
}

// ------------------------------------------------------------------ interactions on messages

function msgContext(target) {
  const el = target.closest(".msg");
  if (!el) return null;
  const inThread = !!target.closest("#thread");
  return { el, ts: el.dataset.ts, ephemeral: !!el.dataset.ephemeral, inThread };
}

async function onMessagesClick(ev) {
  const t = ev.target.closest("[data-op]");
  if (!t) return;
  const ctx = msgContext(t);
  if (!ctx) return;
  const op = t.dataset.op;
  if (op === "react") {
    const res = await api("/react", { as: S.persona.id, channel: S.view.channel, ts: ctx.ts, name: t.dataset.name });
    if (!res.ok) showError(res);
  } else if (op === "thread") {
    openThread(ctx.ts);
  } else if (op === "menu") {
    openMenu(t, ctx);
  } else if (op === "action") {
    if (t.dataset.url) window.open(t.dataset.url, "_blank", "noopener");
    // Like Slack: every click sends one block_actions; the bot must tolerate repeats.
    const res = await api("/action", { as: S.persona.id, channel: S.view.channel, ts: ctx.ts, ephemeral: ctx.ephemeral,
      block_index: Number(t.dataset.bi), element_index: t.dataset.ei === undefined ? null : Number(t.dataset.ei) });
    if (!res.ok) showError(res);
  } else if (op === "overflow") {
    const msg = findMessage(ctx.ts, ctx.ephemeral);
    const block = msg && msg.blocks[Number(t.dataset.bi)];
    const el = block && (t.dataset.ei === undefined ? block.accessory : block.elements[Number(t.dataset.ei)]);
    if (!el) return;
    openMenuItems(t, (el.options || []).map((o) => ({ label: o.text.text, run: async () => {
      const res = await api("/action", { as: S.persona.id, channel: S.view.channel, ts: ctx.ts, ephemeral: ctx.ephemeral,
        block_index: Number(t.dataset.bi), element_index: t.dataset.ei === undefined ? null : Number(t.dataset.ei), raw: o.value });
      if (!res.ok) showError(res);
    } })));
  }
}

async function onMessagesChange(ev) {
  const t = ev.target.closest("[data-op='select']");
  if (!t || t.closest("#modal-root")) return;
  const ctx = msgContext(t);
  if (!ctx) return;
  const res = await api("/action", { as: S.persona.id, channel: S.view.channel, ts: ctx.ts, ephemeral: ctx.ephemeral,
    block_index: Number(t.dataset.bi), element_index: t.dataset.ei === undefined ? null : Number(t.dataset.ei), raw: t.value });
  if (!res.ok) showError(res);
}

function findMessage(ts, ephemeral) {
  const key = (ephemeral ? "e" : "m") + ts;
  return S.messages.find((m) => KEY(m) === key) || (S.thread && [S.thread.parent, ...S.thread.replies].find((m) => KEY(m) === key));
}

function openMenu(anchor, ctx) {
  const items = S.info.shortcuts.filter((s) => s.type === "message").map((s) => ({
    label: s.name, hint: "charterbot", run: async () => {
      const res = await api("/shortcut", { as: S.persona.id, channel: S.view.channel, ts: ctx.ts, callback_id: s.callback_id });
      if (!res.ok) showError(res);
    },
  }));
  items.push({ label: L("reply_in_thread"), run: () => openThread(ctx.ts) });
  openMenuItems(anchor, items);
}

function openMenuItems(anchor, items) {
  const root = $("#menu-root");
  const r = anchor.getBoundingClientRect();
  root.innerHTML = `<div class="menu" role="menu" style="top:${Math.min(r.bottom + 4, innerHeight - 40 * items.length - 10)}px;left:${Math.max(8, r.right - 240)}px">
    ${items.map((it, i) => `<button type="button" role="menuitem" data-i="${i}">${esc(it.label)}${it.hint ? ` <span class="muted">${esc(it.hint)}</span>` : ""}</button>`).join("")}</div>`;
  root.querySelectorAll("[data-i]").forEach((b) => { b.onclick = () => { root.innerHTML = ""; items[Number(b.dataset.i)].run(); }; });
  setTimeout(() => document.addEventListener("click", () => { root.innerHTML = ""; }, { once: true }), 0);
}

// ------------------------------------------------------------------ threads

async function openThread(ts) {
  const res = await snapshot(`/thread?as=${encodeURIComponent(S.persona.id)}&channel=${encodeURIComponent(S.view.channel)}&ts=${encodeURIComponent(ts)}`);
  if (!res.ok) { caughtUp(null); return showError(res); }
  S.thread = { ts, parent: res.parent, replies: res.replies, seq: res.seq };
  $("#thread").hidden = false;
  const ch = S.info.channels.find((c) => c.id === S.view.channel);
  $("#thread .thread-channel").textContent = ch ? `#${ch.name}` : "charterbot";
  renderThread(true);
  caughtUp(res);
}
function closeThread() { S.thread = null; $("#thread").hidden = true; }
async function refreshThread() { if (S.thread) await openThread(S.thread.ts); }

function renderThread(scrollToEnd) {
  const box = $("#thread-messages");
  const t = S.thread;
  box.innerHTML = messageHtml(t.parent, "thread") +
    `<div class="thread-count">${esc(t.replies.length === 1 ? L("reply") : L("replies", { count: t.replies.length }))}</div>` +
    t.replies.map((m) => messageHtml(m, "thread")).join("");
  if (scrollToEnd) box.scrollTop = box.scrollHeight;
}

// ------------------------------------------------------------------ composer

function commandSuggestions(text) {
  const out = [];
  if (!text.startsWith("/")) return out;
  const [cmd, ...rest] = text.split(" ");
  if (!rest.length) {
    for (const c of S.info.commands) {
      const key = `cmd.${c.command.slice(1)}`;
      const description = L(key) === key ? c.description : L(key);
      if (c.command.startsWith(cmd)) out.push({ fill: c.command + " ", label: c.command, hint: `${c.usage_hint}  —  ${description}` });
    }
    return out;
  }
  const c = S.info.commands.find((x) => x.command === cmd);
  if (!c) return out;
  const typed = rest.join(" ");
  if (typed.includes(" ")) return out;
  // /inquiry: every subcommand, with its arguments and its own description (persona's language)
  const subs = cmd === "/inquiry" && S.info.subcommands ? S.info.subcommands[lang()] || S.info.subcommands.en : null;
  if (subs) {
    for (const sub of subs) {
      if (sub.name.startsWith(typed)) out.push({ fill: `${cmd} ${sub.name}${sub.args ? " " : ""}`, label: `${cmd} ${sub.name}${sub.args ? " " + sub.args : ""}`, hint: sub.description });
    }
    return out;
  }
  if (!c.usage_hint) return out;
  for (const alt of c.usage_hint.split("|").map((s) => s.trim())) {
    const word = alt.split(" ")[0];
    if (word.startsWith(typed)) out.push({ fill: `${cmd} ${word}${alt.includes(" ") ? " " : ""}`, label: `${cmd} ${alt}`, hint: c.description });
  }
  return out;
}

let suggestIndex = 0;
function renderSuggest() {
  const input = $("#composer-input");
  const list = $("#suggest");
  const items = commandSuggestions(input.value);
  if (!items.length || (items.length === 1 && items[0].fill.trim() === input.value.trim())) { list.hidden = true; list.innerHTML = ""; return; }
  suggestIndex = Math.min(suggestIndex, items.length - 1);
  list.hidden = false;
  list.innerHTML = items.map((it, i) => `<li role="option" class="${i === suggestIndex ? "active" : ""}" data-fill="${esc(it.fill)}"><b>${esc(it.label)}</b> <span class="muted">${esc(it.hint)}</span></li>`).join("");
  if (list.children[suggestIndex]) list.children[suggestIndex].scrollIntoView({ block: "nearest" });
  list.querySelectorAll("li").forEach((li) => { li.onmousedown = (e) => { e.preventDefault(); input.value = li.dataset.fill; suggestIndex = 0; renderSuggest(); input.focus(); }; });
}

async function sendFrom(form, threadTs) {
  const input = form.querySelector("textarea");
  const errBox = form.querySelector(".composer-error");
  const text = input.value;
  errBox.textContent = "";
  if (!text.trim()) { errBox.textContent = L("composer.empty"); return; }
  const sendBtn = form.querySelector(".send");
  sendBtn.disabled = true;
  const res = await api("/send", { as: S.persona.id, channel: S.view.channel, text, thread_ts: threadTs || null });
  sendBtn.disabled = false;
  if (!res.ok) { errBox.textContent = messageOf(res); return; }
  input.value = "";
  autosize(input);
  $("#suggest").hidden = true;
}

function autosize(t) { t.style.height = "auto"; t.style.height = Math.min(t.scrollHeight, 200) + "px"; }

function setupComposer() {
  const form = $("#composer");
  const input = $("#composer-input");
  form.onsubmit = (e) => { e.preventDefault(); sendFrom(form, null); };
  input.addEventListener("input", () => { autosize(input); suggestIndex = 0; renderSuggest(); form.querySelector(".composer-error").textContent = ""; });
  input.addEventListener("keydown", (e) => {
    const list = $("#suggest");
    const open = !list.hidden && list.children.length;
    if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      suggestIndex = (suggestIndex + (e.key === "ArrowDown" ? 1 : -1) + list.children.length) % list.children.length;
      renderSuggest();
    } else if (open && (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey && !e.isComposing))) {
      // Like Slack: Tab or Enter on the highlighted entry completes it (a second Enter sends).
      e.preventDefault();
      input.value = list.children[suggestIndex].dataset.fill;
      suggestIndex = 0; renderSuggest();
    } else if (e.key === "Escape") {
      list.hidden = true;
    } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendFrom(form, null);
    }
  });
  const tform = $("#thread-composer");
  const tinput = tform.querySelector("textarea");
  tform.onsubmit = (e) => { e.preventDefault(); sendFrom(tform, S.thread && S.thread.ts); };
  tinput.addEventListener("input", () => autosize(tinput));
  tinput.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendFrom(tform, S.thread && S.thread.ts); }
  });
}

// ------------------------------------------------------------------ App Home

async function openHome() {
  $("#notice").hidden = true;
  $("#messages").hidden = true;
  $("#composer").hidden = true;
  $("#home").hidden = false;
  renderHeader("charterbot", L("home"));
  const existing = await api(`/home?as=${encodeURIComponent(S.persona.id)}`);
  renderHome(existing.view);
  const res = await api("/home", { as: S.persona.id });
  if (!res.ok) showError(res);
  else renderHome(res.view);
}
async function refreshHome() {
  const res = await api(`/home?as=${encodeURIComponent(S.persona.id)}`);
  if (res.ok) renderHome(res.view);
}
function renderHome(view) {
  $("#home").innerHTML = view ? `<div class="home-view">${renderBlocks(view.blocks, "home")}</div>` : `<div class="home-empty">${esc(L("opening_home"))}</div>`;
  if (!S.ready) { S.ready = true; window.__sandboxReadyAt = performance.now(); document.body.dataset.ready = "1"; }
}

// ------------------------------------------------------------------ modals

async function fetchModal() {
  if (!S.persona) return;
  const res = await api(`/modal?as=${encodeURIComponent(S.persona.id)}`);
  if (!res.ok) return;
  const changed = !S.modal || !res.view || S.modal.id !== res.view.id || S.modal.hash !== res.view.hash;
  if (changed) { S.modalErrors = {}; S.modal = res.view; renderModal(); }
}

function renderModal() {
  const root = $("#modal-root");
  const v = S.modal;
  if (!v) { root.innerHTML = ""; return; }
  root.innerHTML = `<div class="overlay"><div class="modal" role="dialog" aria-modal="true" aria-label="${esc(v.title && v.title.text)}" data-view="${esc(v.id)}">
    <div class="modal-head"><span class="avatar sm bot">CB</span><h2>${esc(v.title && v.title.text)}</h2><button type="button" class="icon modal-x" aria-label="${esc(L("close"))}">×</button></div>
    <div class="modal-error" role="alert" hidden></div>
    <form class="modal-body" novalidate>${renderBlocks(v.blocks, "modal")}</form>
    <div class="modal-foot"><button type="button" class="btn modal-cancel">${esc((v.close && v.close.text) || L("cancel"))}</button>
      ${v.submit ? `<button type="button" class="btn primary modal-submit">${esc(v.submit.text)}</button>` : ""}</div></div></div>`;
  root.querySelector(".modal-x").onclick = closeModal;
  root.querySelector(".modal-cancel").onclick = closeModal;
  const submit = root.querySelector(".modal-submit");
  if (submit) submit.onclick = submitModal;
  root.querySelector(".modal-body").onsubmit = (e) => { e.preventDefault(); submitModal(); };
  root.querySelector(".modal-body").addEventListener("click", async (e) => {
    const t = e.target.closest("[data-op='action']");
    if (!t) return;
    const res = await api("/action", { as: S.persona.id, view_id: v.id, block_index: Number(t.dataset.bi), element_index: t.dataset.ei === undefined ? null : Number(t.dataset.ei), values: modalValues() });
    if (!res.ok) showError(res);
  });
  const first = root.querySelector("input, textarea, select");
  if (first) first.focus();
}

function modalValues() {
  const values = {};
  document.querySelectorAll("#modal-root .bk-input").forEach((box) => {
    const id = box.dataset.blockId;
    const type = box.dataset.type;
    if (type === "checkboxes") values[id] = [...box.querySelectorAll("input:checked")].map((i) => i.value);
    else if (type === "radio_buttons") { const c = box.querySelector("input:checked"); values[id] = c ? c.value : null; }
    else { const c = box.querySelector("input, textarea, select"); values[id] = c ? c.value : null; }
  });
  return values;
}

let submitting = false;
async function submitModal() {
  if (submitting || !S.modal) return;   // Slack disables the button while a submission is on its way
  const v = S.modal;
  const values = modalValues();
  const missing = {};
  document.querySelectorAll("#modal-root .bk-input").forEach((box) => {
    const val = values[box.dataset.blockId];
    if (!box.dataset.optional && (val === null || val === "" || (Array.isArray(val) && !val.length))) missing[box.dataset.blockId] = L("required");
  });
  if (Object.keys(missing).length) { S.modalErrors = missing; rerenderModalKeepingValues(values); return; }
  submitting = true;
  const btn = $("#modal-root .modal-submit");
  if (btn) btn.disabled = true;
  const res = await api("/submit", { as: S.persona.id, view_id: v.id, values });
  submitting = false;
  if (btn) btn.disabled = false;
  if (!res.ok) {
    const box = $("#modal-root .modal-error");
    if (box) { box.hidden = false; box.textContent = messageOf(res); }
    return;
  }
  if (res.errors && Object.keys(res.errors).length) {
    S.modalErrors = res.errors;
    rerenderModalKeepingValues(values);
    return;
  }
  S.modalErrors = {};
  await fetchModal();
}

function rerenderModalKeepingValues(values) {
  renderModal();
  document.querySelectorAll("#modal-root .bk-input").forEach((box) => {
    const val = values[box.dataset.blockId];
    if (Array.isArray(val)) box.querySelectorAll("input").forEach((i) => { i.checked = val.includes(i.value); });
    else if (box.dataset.type === "radio_buttons") box.querySelectorAll("input").forEach((i) => { i.checked = i.value === val; });
    else { const c = box.querySelector("input, textarea, select"); if (c && val !== null && val !== undefined) c.value = val; }
  });
  const firstErr = $("#modal-root .has-error input, #modal-root .has-error textarea, #modal-root .has-error select");
  if (firstErr) firstErr.focus();
}

async function closeModal() {
  if (!S.modal) return;
  const id = S.modal.id;
  S.modal = null;
  S.modalErrors = {};
  renderModal();
  const res = await api("/close", { as: S.persona.id, view_id: id });
  if (!res.ok) showError(res);
  await fetchModal();
}

// ------------------------------------------------------------------ clock

function tickClock() {
  if (!S.info) return;
  $("#clock").textContent = fmtClock(new Date(Date.now() + S.clockOffset));
}
function setClock(iso) { S.clockOffset = new Date(iso).getTime() - Date.now(); tickClock(); }

async function advanceClock(step, btn) {
  const buttons = document.querySelectorAll("#clockbar button");
  buttons.forEach((b) => { b.disabled = true; });
  const res = await api("/clock", { step });
  buttons.forEach((b) => { b.disabled = false; });
  if (!res.ok) return showError(res);
  setClock(res.now);
  document.body.dataset.clockMoves = String(Number(document.body.dataset.clockMoves || 0) + 1);
}

// ------------------------------------------------------------------ live updates

function handleEvent(ev) {
  if (S.loads && (ev.type === "message" || ev.type === "deleted")) S.during.push(ev);
  applyEvent(ev);
}

function applyEvent(ev) {
  const p = S.persona;
  switch (ev.type) {
    case "message": {
      if (!S.view || ev.channel !== S.view.channel) break;
      const m = ev.message;
      const top = !m.thread_ts || m.thread_ts === m.ts;
      // An event the shown snapshot already contains (it can arrive late) would only take the
      // message back to an older state.
      if (top && S.view.kind === "channel" && !(ev.seq <= S.viewSeq)) { upsert(S.messages, m); renderMessages(false); }
      if (S.thread && !(ev.seq <= S.thread.seq)) {
        if (m.ts === S.thread.ts) { S.thread.parent = m; renderThread(false); }
        else if (m.thread_ts === S.thread.ts) { upsert(S.thread.replies, m); renderThread(true); }
      }
      break;
    }
    case "deleted":
      if (S.view && ev.channel === S.view.channel) {
        S.messages = S.messages.filter((m) => !(m.ts === ev.ts && !m.ephemeral));
        renderMessages(false);
        if (S.thread) refreshThread();
      }
      break;
    case "refresh":
      if (S.view && ev.channel === S.view.channel && (!ev.user || (p && ev.user === p.id))) { reloadLatest(); refreshThread(); }
      break;
    case "modal":
      if (p && ev.user === p.id) fetchModal();
      break;
    case "home":
      if (p && ev.user === p.id && S.view && S.view.kind === "home") refreshHome();
      break;
    case "clock":
      setClock(ev.now);
      break;
    case "error":
      if (!ev.user || (p && ev.user === p.id)) {
        banner("error", L("slack_error", { source: ev.source, error: ev.error }), ev.details || []);
      }
      break;
    default:
  }
}

// Resolves once the stream is open: the server listens for this page from then on, so the
// first snapshot is taken only after that (else what happens in between would never show).
// If the stream does not open within a few seconds the page starts anyway and catches up
// as soon as it does.
function connectEvents() {
  return new Promise((resolve) => {
    const es = new EventSource(`${API}/events`);
    const started = setTimeout(resolve, 5000);
    es.onmessage = (e) => { try { handleEvent(JSON.parse(e.data)); } catch (err) { console.error(err); } };
    es.onopen = () => {
      clearTimeout(started);
      resolve();
      // A (re)connection after the page showed something: events may have been missed.
      if (S.view && S.view.kind === "channel" && S.view.channel) { reloadLatest(); refreshThread(); }
      if (S.view) fetchModal();
    };
  });
}

// ------------------------------------------------------------------ start

async function start() {
  const info = await api("/state");
  if (!info.people) { banner("error", "Cannot reach the sandbox server.", [info.message || ""], { sticky: true }); return; }
  S.info = info;
  S.md = new Mrkdwn(info.users, Object.fromEntries(info.channels.map((c) => [c.id, c.name])));
  $(".team-name").textContent = "charterbot sandbox";
  $(".team-name").title = info.team;
  const sel = $("#persona");
  applyLabels();
  sel.onchange = () => {
    const p = info.people.find((x) => x.id === sel.value);
    const cur = parseHash().channel;
    const keep = cur && (!p.external || cur === "dm" || cur === "home" || info.channels.some((c) => c.shared && c.name === cur));
    go(p.name, keep ? cur : defaultChannel(p));
  };
  setClock(info.now);
  setInterval(tickClock, 1000);
  document.querySelectorAll("#clockbar button").forEach((b) => { b.onclick = () => advanceClock(b.dataset.step, b); });
  for (const e of info.errors || []) handleEvent(e);
  setupComposer();
  for (const id of ["#messages", "#thread-messages"]) {
    $(id).addEventListener("click", onMessagesClick);
    $(id).addEventListener("change", onMessagesChange);
  }
  $("#home").addEventListener("click", async (ev) => {
    const t = ev.target.closest("[data-op='action']");
    if (!t) return;
    if (t.dataset.url) window.open(t.dataset.url, "_blank", "noopener");
    const res = await api("/action", { as: S.persona.id, home: true, block_index: Number(t.dataset.bi), element_index: t.dataset.ei === undefined ? null : Number(t.dataset.ei) });
    if (!res.ok) showError(res);
  });
  $("#messages").addEventListener("scroll", () => { if ($("#messages").scrollTop < 150) loadOlder(); });
  $("#thread .close-thread").onclick = closeThread;
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && S.modal) closeModal(); });
  window.addEventListener("hashchange", route);
  await connectEvents();
  await route();
}

document.addEventListener("DOMContentLoaded", start);
