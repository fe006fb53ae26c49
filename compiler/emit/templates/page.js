// Details of each node on hover (pinned on click); neighbours highlighted. Text only: every
// value is set through textContent, never parsed as HTML.
(function () {
  "use strict";
  const details = JSON.parse(document.getElementById("agentgraph-details").textContent);
  const panel = document.getElementById("details");
  const diagram = document.getElementById("diagram");
  const nodes = Array.from(diagram.querySelectorAll("g.node"));
  const edges = Array.from(diagram.querySelectorAll("g.edge"));
  let pinned = null;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function show(id) {
    const d = details[id];
    if (!d) return;
    panel.replaceChildren();
    panel.append(el("div", d.kind + (d.owner ? " of " + d.owner : ""), "kind"), el("h3", d.title));
    const list = el("dl");
    for (const [title, text, style] of d.sections) {
      if (title) list.append(el("dt", title));
      const dd = el("dd");
      if (style === "code") dd.append(el("pre", text));
      else if (style === "list") {
        const ul = el("ul");
        for (const line of text.split("\n")) ul.append(el("li", line));
        dd.append(ul);
      } else dd.textContent = text;
      list.append(dd);
    }
    panel.append(list);
  }

  function focus(id) {
    diagram.classList.toggle("focus", id !== null);
    for (const n of nodes) n.classList.toggle("selected", n.id === id);
    const near = new Set(id === null ? [] : [id]);
    for (const e of edges) {
      const [from, to] = (e.dataset.ends || "").split(" ");
      const hit = id !== null && (from === id || to === id);
      e.classList.toggle("near", hit);
      if (hit) { near.add(from); near.add(to); }
    }
    for (const n of nodes) n.classList.toggle("near", near.has(n.id));
  }

  // graphviz writes each edge's ends into its <title> as "tail->head"
  for (const e of edges) {
    const title = e.querySelector("title");
    if (title) e.dataset.ends = title.textContent.replace("->", " ");
  }
  for (const n of nodes) {
    n.addEventListener("mouseenter", () => { if (pinned === null) show(n.id); });
    n.addEventListener("click", (event) => {
      event.stopPropagation();
      pinned = pinned === n.id ? null : n.id;
      show(n.id);
      focus(pinned);
    });
  }
  diagram.addEventListener("click", () => { pinned = null; focus(null); });

  const agents = nodes.filter((n) => n.classList.contains("agent")).length;
  const tools = nodes.filter((n) => ["function", "hosted", "agent_tool", "mcp_server"].some((k) => n.classList.contains(k))).length;
  const summary = document.getElementById("summary");
  summary.textContent = agents + " agents · " + tools + " tools · " + edges.length + " edges drawn";
  summary.dataset.rendered = String(agents);
})();
