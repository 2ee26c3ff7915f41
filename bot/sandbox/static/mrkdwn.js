// Slack mrkdwn and Block Kit text → safe HTML. Every piece of message text is HTML-escaped
// before any tag is added, so message text can never inject markup.
"use strict";

const EMOJI = {
  ticket: "🎫", white_check_mark: "✅", heavy_check_mark: "✔️", warning: "⚠️", x: "❌",
  hourglass: "⌛", hourglass_flowing_sand: "⏳", alarm_clock: "⏰", bell: "🔔", rotating_light: "🚨",
  fire: "🔥", eyes: "👀", wave: "👋", tada: "🎉", pushpin: "📌", memo: "📝", calendar: "📅",
  clipboard: "📋", telephone_receiver: "📞", phone: "📞", bust_in_silhouette: "👤", busts_in_silhouette: "👥",
  speech_balloon: "💬", thumbsup: "👍", "+1": "👍", thumbsdown: "👎", ok_hand: "👌", pray: "🙏",
  large_green_circle: "🟢", large_yellow_circle: "🟡", red_circle: "🔴", large_orange_circle: "🟠",
  white_circle: "⚪", black_circle: "⚫", star: "⭐", bulb: "💡", lock: "🔒", key: "🔑",
  clock9: "🕘", mag: "🔍", inbox_tray: "📥", outbox_tray: "📤", email: "📧", envelope: "✉️",
  construction: "🚧", information_source: "ℹ️", question: "❓", exclamation: "❗", heart: "❤️",
  smile: "😄", slightly_smiling_face: "🙂", door: "🚪", office: "🏢", handshake: "🤝",
  chart_with_upwards_trend: "📈", bar_chart: "📊", trophy: "🏆", gift: "🎁", sos: "🆘",
};

const escapeHtml = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => (
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

// Slack escapes only &, < and > in message text.
const decodeSlack = (s) => String(s ?? "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

const emojify = (html) => html.replace(/:([a-z0-9_+'-]+):/g, (m, name) => EMOJI[name] || m);

function safeHref(url) {
  const u = decodeSlack(url).trim();
  return /^(https?:|mailto:)/i.test(u) ? u : null;
}

class Mrkdwn {
  // users: id -> {name, real_name}; channels: id -> name
  constructor(users, channels) { this.users = users || {}; this.channels = channels || {}; }

  userName(id, label) {
    const u = this.users[id];
    return u ? u.name : (label || id);
  }

  special(inner) {
    const [target, ...rest] = inner.split("|");
    const label = rest.join("|");
    if (target.startsWith("@")) {
      const id = target.slice(1);
      return `<span class="mention" data-user="${escapeHtml(id)}">@${escapeHtml(this.userName(id, label))}</span>`;
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      const name = this.channels[id] || label || id;
      return `<span class="channel-link">#${escapeHtml(name)}</span>`;
    }
    if (target.startsWith("!")) {
      const word = target.slice(1);
      if (["here", "channel", "everyone"].includes(word)) {
        return `<span class="chip warn" title="Notifies everyone in the channel">@${word}</span>`;
      }
      if (word.startsWith("subteam^")) {
        return `<span class="chip warn">${escapeHtml(decodeSlack(label || "@group"))}</span>`;
      }
      if (word.startsWith("date^")) return escapeHtml(decodeSlack(label || ""));
      return escapeHtml(decodeSlack(label || word));
    }
    const href = safeHref(target);
    const text = escapeHtml(decodeSlack(label || target));
    return href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
  }

  // One line (or paragraph) of text: links, code, bold, italic, strike, emoji.
  inline(text) {
    const holes = [];
    const hole = (html) => `\u0001${holes.push(html) - 1}\u0002`;
    let s = String(text ?? "").replace(/`([^`\n]+)`/g, (m, code) => hole(`<code>${escapeHtml(decodeSlack(code))}</code>`));
    s = s.replace(/<([^<>\n]+)>/g, (m, inner) => hole(this.special(inner)));
    s = escapeHtml(decodeSlack(s));
    s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?[^\s*])\*(?=$|[^\w*])/g, "$1<b>$2</b>");
    s = s.replace(/(^|[^\w_])_(?=\S)([^_\n]*?[^\s_])_(?=$|[^\w_])/g, "$1<i>$2</i>");
    s = s.replace(/(^|[^\w~])~(?=\S)([^~\n]*?[^\s~])~(?=$|[^\w~])/g, "$1<s>$2</s>");
    s = emojify(s);
    return s.replace(/\u0001(\d+)\u0002/g, (m, i) => holes[Number(i)]);
  }

  // Lines: quotes ("> " / "&gt; ") and lists ("• ", "- ", "1. ").
  lines(text) {
    const out = [];
    let list = null; // {tag, items}
    let quote = null;
    const flush = () => {
      if (list) { out.push(`<${list.tag}>${list.items.map((i) => `<li>${i}</li>`).join("")}</${list.tag}>`); list = null; }
      if (quote) { out.push(`<blockquote>${quote.join("<br>")}</blockquote>`); quote = null; }
    };
    const rows = String(text).split("\n");
    rows.forEach((line, idx) => {
      const q = line.match(/^(?:&gt;|>)\s?(.*)$/);
      const ul = line.match(/^\s*(?:•|-|◦|▪)\s+(.*)$/);
      const ol = line.match(/^\s*(\d+)[.)]\s+(.*)$/);
      if (q) {
        if (list) flush();
        (quote = quote || []).push(this.inline(q[1]));
      } else if (ul || ol) {
        if (quote) flush();
        const tag = ul ? "ul" : "ol";
        if (list && list.tag !== tag) flush();
        list = list || { tag, items: [] };
        list.items.push(this.inline(ul ? ul[1] : ol[2]));
      } else {
        flush();
        out.push(this.inline(line) + (idx < rows.length - 1 ? "<br>" : ""));
      }
    });
    flush();
    return out.join("");
  }

  render(text) {
    const parts = String(text ?? "").split("```");
    let html = "";
    parts.forEach((part, i) => {
      const isCode = i % 2 === 1 && i < parts.length - 1;
      if (isCode) html += `<pre class="pre">${escapeHtml(decodeSlack(part.replace(/^\n/, "")))}</pre>`;
      else html += this.lines(i % 2 === 1 ? "```" + part : part);
    });
    return html;
  }

  plain(obj) {
    if (!obj) return "";
    if (obj.type === "mrkdwn") return this.render(obj.text);
    // Slack decodes its three entities in plain_text too.
    const html = escapeHtml(decodeSlack(obj.text));
    return obj.emoji === false ? html : emojify(html);
  }

  // rich_text block elements (messages typed in Slack)
  richText(block) {
    const styleWrap = (html, st) => {
      if (!st) return html;
      if (st.code) html = `<code>${html}</code>`;
      if (st.bold) html = `<b>${html}</b>`;
      if (st.italic) html = `<i>${html}</i>`;
      if (st.strike) html = `<s>${html}</s>`;
      return html;
    };
    const leaf = (el) => {
      switch (el.type) {
        case "text": return styleWrap(escapeHtml(el.text).replace(/\n/g, "<br>"), el.style);
        case "link": {
          const href = safeHref(el.url || "");
          const text = escapeHtml(el.text || el.url || "");
          return styleWrap(href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text, el.style);
        }
        case "user": return `<span class="mention">@${escapeHtml(this.userName(el.user_id))}</span>`;
        case "channel": return `<span class="channel-link">#${escapeHtml(this.channels[el.channel_id] || el.channel_id)}</span>`;
        case "emoji": return EMOJI[el.name] || `:${escapeHtml(el.name)}:`;
        case "broadcast": return `<span class="chip warn">@${escapeHtml(el.range)}</span>`;
        default: return "";
      }
    };
    const section = (el) => (el.elements || []).map(leaf).join("");
    const render = (el) => {
      switch (el.type) {
        case "rich_text_section": return `<div>${section(el)}</div>`;
        case "rich_text_quote": return `<blockquote>${section(el)}</blockquote>`;
        case "rich_text_preformatted": return `<pre class="pre">${section(el)}</pre>`;
        case "rich_text_list": {
          const tag = el.style === "ordered" ? "ol" : "ul";
          return `<${tag}>${(el.elements || []).map((s) => `<li>${section(s)}</li>`).join("")}</${tag}>`;
        }
        default: return "";
      }
    };
    return (block.elements || []).map(render).join("");
  }
}

window.Mrkdwn = Mrkdwn;
window.escapeHtml = escapeHtml;
