// What both web UIs share: building the DOM, texts, calls to the portal's APIs, the sign-in with the
// authorization code grant + PKCE, a hash router, and the small pieces every screen is made of.
// Plain ES modules, served as they are: no build step.
import { TEXTS } from "./texts.js";

// ---------------------------------------------------------------------------------------------- texts
const LANGUAGE_KEY = "portal.language";
export let language = TEXTS[localStorage.getItem(LANGUAGE_KEY)] ? localStorage.getItem(LANGUAGE_KEY) : "nl";
document.documentElement.lang = language;

function setLanguage(choice) {
  localStorage.setItem(LANGUAGE_KEY, choice); // a preference, never a secret
  language = choice;
  document.documentElement.lang = choice;
}

export function t(key, params = {}) {
  const text = TEXTS[language][key] ?? TEXTS.nl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");
}

export function formatDate(iso, withTime = true) {
  if (!iso) return "";
  const locale = language === "nl" ? "nl-BE" : "en-GB";
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Date(iso).toLocaleString(locale, options);
}

/** A calendar day (``2027-08-31``, a grant's end date) as the reader writes it, whatever their time zone. */
export function formatDay(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day).toLocaleDateString(language === "nl" ? "nl-BE" : "en-GB", { dateStyle: "medium" });
}

// ------------------------------------------------------------------------------------------------ DOM
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let uniqueId = 0;
const nextId = (prefix) => `${prefix}-${++uniqueId}`;

// ------------------------------------------------------------------------------------------------ API
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || t("error.unexpected"));
    this.status = status;
    this.problem = problem;
  }
}

let session = null; // the UI's Session, set by startApp

const MEMBERSHIP_WAITS = 20; // x 250 ms

async function call(method, path, options = {}, waited = 0) {
  const { body, query, headers = {} } = options;
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const sent = { Accept: "application/json", "Accept-Language": language, ...headers };
  const token = session && (await session.accessToken());
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { title: t("error.network"), detail: t("error.network") });
  }
  if (response.ok) return response;
  const problem = await response.json().catch(() => ({}));
  if (response.status === 403 && problem.code?.endsWith(".no_profile") && session?.claims.partner_id
      && waited < MEMBERSHIP_WAITS) {
    // A new link to a profile reaches each service as an event, a moment after the token names it.
    await new Promise((resolve) => setTimeout(resolve, 250));
    return call(method, path, options, waited + 1);
  }
  if (response.status === 401 && (session?.tokens || session?.signedIn)) {
    // The access token was refused (expired early, or revoked): one silent renewal through the refresh
    // token, then the call once more; when that fails too, the person signs in again, keeping the form.
    if (!options.renewed && (await session.renew())) return call(method, path, { ...options, renewed: true }, waited);
    session.lost();
    throw new ApiError(401, { title: t("session.expired_title"), detail: t("session.expired") });
  }
  throw new ApiError(response.status, {
    ...problem,
    title: problem.title || t("error.unexpected"),
    detail: problem.detail || problem.error_description || t("error.unexpected"),
  });
}

/** JSON from the API, or null for 204. */
export async function api(method, path, options) {
  const response = await call(method, path, options);
  return response.status === 204 ? null : response.json();
}

/** A page of a list: its items and flask-smorest's pagination header. */
export async function apiPage(path, query) {
  const response = await call("GET", path, { query });
  const pagination = JSON.parse(response.headers.get("X-Pagination") || "null");
  return { items: await response.json(), pagination };
}

/** An image behind the bearer token (the partner's own logo), as a URL an <img> can show. */
export async function blobUrl(path) {
  const response = await call("GET", path, { headers: { Accept: "image/*" } }).catch(() => null);
  return response ? URL.createObjectURL(await response.blob()) : "";
}

/** A file from the API saved through the browser (the bearer token cannot ride on a plain link). */
export async function download(path, query, filename) {
  const response = await call("GET", path, { query, headers: { Accept: "text/csv" } });
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ------------------------------------------------------------------------------------------- sign-in
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomText = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/**
 * The person's tokens for one of the portal's public clients. Tokens live in memory only: after a reload
 * the identity server's login session hands out new ones without asking again. Only the PKCE verifier
 * and state of a sign-in under way, and whether someone signed in, sit in sessionStorage.
 */
export class Session {
  constructor(clientId, home) {
    this.clientId = clientId;
    this.redirectUri = location.origin + home;
    this.tokens = null;
    this.pending = null; // a refresh under way: refresh tokens rotate, so never two at once
    this.account = null;
  }

  get signedIn() {
    return sessionStorage.getItem(`${this.clientId}.signed-in`) === "yes";
  }

  async signIn(returnTo = location.hash) {
    if (!crypto.subtle) throw new Error(t("auth.insecure"));
    const verifier = randomText(48);
    const state = randomText(16);
    sessionStorage.setItem(`${this.clientId}.pkce`, JSON.stringify({ verifier, state, returnTo }));
    const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    const query = new URLSearchParams({
      response_type: "code",
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state,
      ui_locales: language,
    });
    location.assign(`/oauth/authorize?${query}`);
    return new Promise(() => {}); // the page is going away
  }

  /** On load: finish a sign-in that came back with a code. */
  async completeSignIn() {
    const params = new URLSearchParams(location.search);
    if (!params.has("code") && !params.has("error")) return;
    const pending = JSON.parse(sessionStorage.getItem(`${this.clientId}.pkce`) || "null");
    sessionStorage.removeItem(`${this.clientId}.pkce`);
    history.replaceState(null, "", location.pathname + (pending?.returnTo || ""));
    if (!pending || params.get("state") !== pending.state || params.has("error")) {
      throw new Error(t("auth.failed"));
    }
    await this.token({
      grant_type: "authorization_code",
      code: params.get("code"),
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
    });
    sessionStorage.setItem(`${this.clientId}.signed-in`, "yes");
  }

  async token(form) {
    const response = await fetch("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ ...form, client_id: this.clientId }),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, { detail: answer.error_description || t("auth.failed") });
    this.tokens = {
      access: answer.access_token,
      refresh: answer.refresh_token,
      expiresAt: Date.now() + (answer.expires_in - 30) * 1000,
    };
  }

  /** New tokens through the refresh token now, whatever the clock says; false when that is refused. */
  async renew() {
    if (!this.tokens?.refresh) return false;
    this.tokens.expiresAt = 0;
    return Boolean(await this.accessToken());
  }

  /**
   * The session ended (the refresh token refused too): the header says so, and a dialog offers to sign in
   * again; what the person typed on this page is kept and put back after the sign-in.
   */
  lost() {
    this.tokens = null;
    sessionStorage.removeItem(`${this.clientId}.signed-in`);
    window.dispatchEvent(new Event("portal:session-lost"));
  }

  async accessToken() {
    if (!this.tokens) return null;
    if (Date.now() < this.tokens.expiresAt) return this.tokens.access;
    this.pending ??= this.token({ grant_type: "refresh_token", refresh_token: this.tokens.refresh })
      .catch(() => (this.tokens = null))
      .finally(() => (this.pending = null));
    await this.pending;
    return this.tokens?.access ?? null;
  }

  /** The access token's claims (roles, partner_id), read for display and waiting only, never trusted. */
  get claims() {
    const payload = this.tokens?.access?.split(".")[1];
    if (!payload) return {};
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  /**
   * New tokens until ``test(claims)`` holds: a change made elsewhere (linking the account to a profile)
   * reaches the identity server as an event, a moment later.
   */
  async renewUntil(test, seconds = 15) {
    for (let attempt = 0; attempt < seconds * 4; attempt++) {
      this.tokens.expiresAt = 0;
      await this.accessToken();
      if (!this.tokens || test(this.claims)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** After a reload: new tokens from the login session that is still open at the identity server. */
  async resume() {
    if (!this.tokens && this.signedIn) await this.signIn();
  }

  expired() {
    this.tokens = null;
    sessionStorage.removeItem(`${this.clientId}.signed-in`);
  }

  async signOut() {
    const refresh = this.tokens?.refresh;
    this.expired();
    if (refresh) {
      await fetch("/oauth/revoke", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: refresh, token_type_hint: "refresh_token", client_id: this.clientId }),
      }).catch(() => {});
    }
    const query = new URLSearchParams({ client_id: this.clientId, post_logout_redirect_uri: this.redirectUri });
    location.assign(`/oauth/logout?${query}`);
  }
}

// --------------------------------------------------------------------------------------------- pieces
const NOTICE_SECONDS = 8;

/**
 * A notice above the page: each has its own life (a confirmation goes after 8 s, an error stays), can be
 * closed, and is read out (errors at once). Navigating clears them, except those an action shows just
 * before it moves on (``go``): they belong to the page it opens.
 */
export function notice(text, kind = "ok") {
  const region = document.getElementById("notices");
  const item = h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : null },
    h("p", {}, text),
    h("button", { type: "button", class: "close", "aria-label": t("notice.close"), title: t("notice.close"),
      onclick: () => dismiss(item, true) }, "×"));
  region.append(item);
  if (kind !== "error") item.timer = setTimeout(() => dismiss(item), NOTICE_SECONDS * 1000);
  return item;
}

function dismiss(item, byHand = false) {
  clearTimeout(item.timer);
  if (byHand && item.contains(document.activeElement)) document.getElementById("main").focus();
  item.remove();
}

function clearNotices() {
  for (const item of [...document.getElementById("notices").children]) {
    if (item.dataset.carry) delete item.dataset.carry;
    else dismiss(item);
  }
}

export const loading = () => h("p", { class: "loading", role: "status" }, t("state.loading"));
export const empty = (text) => h("p", { class: "empty" }, text);
export const badge = (status) => h("span", { class: `badge badge-${status}` }, t(`status.${status}`));

/** What went wrong, said once (the title only when the detail adds to it), with a retry when given. */
export function errorPanel(error, retry) {
  const title = error.problem?.title || t("error.title");
  return h("div", { class: "notice error", role: "alert" },
    title !== error.message && title !== t("error.title") ? h("strong", {}, title) : null,
    h("p", {}, error.message),
    retry ? h("div", { class: "actions" }, h("button", { type: "button", onclick: retry }, t("action.retry"))) : null);
}

/**
 * A labelled field. ``name`` is the field's name in the API (``address.city``), so a problem's
 * ``errors[].field`` finds its input and its message lands beside it. ``check(value)`` returns what is
 * wrong in the browser's own check before sending (null when fine); a ``maxlength`` gets a character counter.
 */
export function field({ label, name, type = "text", value = "", required = false, hint, options, rows, check, ...rest }) {
  const id = nextId("field");
  const hintId = hint ? `${id}-hint` : null;
  const counted = rest.maxlength && type !== "checkbox" && !options;
  const counterId = counted ? `${id}-count` : null;
  const describedBy = [hintId, counterId].filter(Boolean).join(" ") || null;
  const common = { id, name, required, "aria-describedby": describedBy, ...rest };
  let control;
  if (options) {
    control = h("select", common, options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value }, text)));
  } else if (rows) {
    control = h("textarea", { ...common, rows }, value ?? "");
  } else if (type === "checkbox") {
    control = h("input", { ...common, type, checked: Boolean(value) });
    return h("div", { class: "field field-check", "data-field": name }, control, h("label", { for: id }, label),
      hint && h("p", { class: "hint", id: hintId }, hint));
  } else {
    control = h("input", { ...common, type, value: value ?? "" });
  }
  if (check) browserChecks.set(control, check);
  return h("div", { class: "field", "data-field": name },
    h("label", { for: id, class: required ? "required" : null }, label),
    hint && h("p", { class: "hint", id: hintId }, hint),
    control,
    counted ? characterCounter(control, Number(rest.maxlength), counterId) : null);
}

const browserChecks = new WeakMap(); // control -> check(value, form): the message, or null when fine

/** "Nog 180 van 200 tekens": seen as one types; read out only once a few are left, not at every key. */
function characterCounter(control, limit, id) {
  const counter = h("p", { class: "hint counter", id });
  const spoken = h("span", { class: "visually-hidden", "aria-live": "polite" });
  let wasLow = false;
  const update = () => {
    const left = limit - control.value.length;
    counter.textContent = t("form.characters_left", { left, limit });
    const low = left <= Math.max(10, Math.floor(limit / 10));
    if (low && !wasLow) spoken.textContent = counter.textContent;
    wasLow = low;
  };
  control.addEventListener("input", update);
  update();
  return [counter, spoken];
}

/** The browser's own checks of ``form`` (fields' ``check``, a holder's ``data-problem``), as a problem's errors. */
function browserProblems(form) {
  const errors = [];
  for (const control of form.elements) {
    const message = browserChecks.get(control)?.(control.value, form);
    if (message) errors.push({ field: control.name, detail: message });
  }
  for (const holder of form.querySelectorAll("[data-problem]")) {
    errors.push({ field: holder.dataset.field, detail: holder.dataset.problem });
  }
  return errors;
}

/** A group of checkboxes that sends a list (``apis``). */
export function checkboxes({ legend, name, choices, checked = [], hint }) {
  return h("fieldset", { class: "field", "data-field": name },
    h("legend", {}, legend),
    hint && h("p", { class: "hint" }, hint),
    choices.map(([value, text]) => {
      const id = nextId("check");
      return h("div", { class: "field-check" },
        h("input", { type: "checkbox", id, name, value, checked: checked.includes(value) }),
        h("label", { for: id }, text));
    }));
}

/** The form's values as the API wants them: dotted names nested, checkbox groups as lists. */
function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled || element.type === "submit" || element.type === "file") continue;
    let value;
    if (element.type === "checkbox") {
      const group = form.querySelectorAll(`input[type=checkbox][name="${element.name}"]`);
      if (group.length > 1 || element.value !== "on") {
        value = [...group].filter((box) => box.checked).map((box) => box.value);
      } else value = element.checked;
    } else value = element.value;
    const path = element.name.split(".");
    let target = values;
    for (const part of path.slice(0, -1)) target = target[part] ??= {};
    target[path.at(-1)] = value;
  }
  return values;
}

/**
 * Put a problem's messages beside the fields they name, and the rest at the top of the form. A field named
 * without a message of its own is marked and points at the message on top: the same words never twice.
 */
function showProblem(form, error) {
  clearProblem(form);
  const alertId = nextId("error");
  const general = [];
  let first = null;
  for (const entry of error.problem?.errors || []) {
    const name = entry.field || (entry.pointer || "").replace(/^#\//, "").replaceAll("/", ".");
    const holder = name && form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const detail = Array.isArray(entry.detail) ? entry.detail.join(" ") : entry.detail;
    if (!holder) {
      if (detail) general.push(detail);
      continue;
    }
    let messageId = alertId;
    if (detail && detail !== error.message) {
      messageId = nextId("error");
      holder.append(h("p", { class: "field-error", id: messageId }, detail));
    }
    holder.classList.add("invalid");
    for (const control of holder.querySelectorAll("input, select, textarea")) {
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${messageId}`.trim());
    }
    first ??= holder.querySelector("input, select, textarea");
  }
  const alert = h("div", { class: "notice error form-problem", role: "alert", tabindex: "-1", id: alertId },
    h("strong", {}, error.message), general.length ? h("ul", {}, general.map((text) => h("li", {}, text))) : null);
  form.prepend(alert);
  (first || alert).focus();
}

function clearProblem(form) {
  form.querySelectorAll(".form-problem, .field-error").forEach((node) => node.remove());
  form.querySelectorAll(".invalid").forEach((node) => node.classList.remove("invalid"));
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    const kept = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.startsWith("error-"));
    if (kept.length) node.setAttribute("aria-describedby", kept.join(" "));
    else node.removeAttribute("aria-describedby");
  });
}

/**
 * A form whose submit calls ``onSubmit(values, form)``; while it runs the button says so, and an API
 * problem is shown beside the fields. ``actions`` are extra buttons (cancel); ``danger`` marks a submit that
 * destroys or takes away.
 */
export function form({ onSubmit, submit, children, actions = [], label, danger = false }) {
  const button = h("button", { type: "submit", class: danger ? "danger" : "primary" }, submit);
  const element = h("form", { novalidate: true, "aria-label": label }, children,
    h("div", { class: "actions" }, button, actions));
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      clearProblem(element);
      const problems = browserProblems(element);
      if (problems.length) throw new FormError(t("form.invalid"), problems);
      await onSubmit(formValues(element), element);
    } catch (error) {
      if (!(error instanceof ApiError) && !(error instanceof FormError)) throw error;
      showProblem(element, error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return element;
}

/** A check in the browser that reads like an API problem (shown the same way). */
export class FormError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.problem = { errors };
  }
}

/** A modal dialog; resolves with the value of the button pressed (or null when closed with Escape). */
export function dialog({ title, body, buttons }) {
  const titleId = nextId("dialog");
  const element = h("dialog", { "aria-labelledby": titleId },
    h("h2", { id: titleId }, title),
    body,
    h("div", { class: "actions" }, buttons.map(({ label, value, primary, danger }) =>
      h("button", { type: "button", class: primary ? "primary" : danger ? "danger" : "", onclick: () => element.close(value) },
        label))));
  const opener = document.activeElement;
  document.body.append(element);
  element.showModal();
  return new Promise((resolve) => {
    element.addEventListener("close", () => {
      element.remove();
      opener?.focus?.();
      resolve(element.returnValue && element.returnValue !== "" ? element.returnValue : null);
    });
  });
}

export function copyButton(text, label = t("action.copy")) {
  const button = h("button", { type: "button", class: "copy" }, label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = t("action.copied");
    } catch {
      button.textContent = t("action.copy_failed");
    }
    setTimeout(() => (button.textContent = label), 2500);
  });
  return button;
}

/**
 * A table of ``rows``; ``columns`` are [heading, cell(row), sortKey(row)?]. A column with a sort key gets a
 * button in its heading that sorts the rows shown (ascending, then descending), said by ``aria-sort``.
 */
export function table(columns, rows, caption) {
  const lines = rows.map((row) => h("tr", {}, columns.map(([heading, cell]) =>
    h("td", { "data-label": heading }, cell(row)))));
  const body = h("tbody", {}, lines);
  const sortable = rows.length > 1;
  const headers = columns.map(([heading, , sortKey], index) => (sortKey && sortable
    ? h("th", { scope: "col", "aria-sort": "none" },
      h("button", { type: "button", class: "sort", onclick: () => sortBy(index) }, heading))
    : h("th", { scope: "col" }, heading)));
  function sortBy(index) {
    const ascending = headers[index].getAttribute("aria-sort") !== "ascending";
    for (const header of headers) if (header.hasAttribute("aria-sort")) header.setAttribute("aria-sort", "none");
    headers[index].setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = columns[index][2];
    const order = rows.map((row, position) => [String(key(row) ?? ""), lines[position]])
      .sort(([a], [b]) => a.localeCompare(b, language, { numeric: true, sensitivity: "base" }) * (ascending ? 1 : -1));
    body.append(...order.map(([, line]) => line));
  }
  return h("div", { class: "table-wrap" }, h("table", {},
    caption && h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers)),
    body));
}

/** How many a list holds in all (not only on this page), and the mark a search's announcement reads. */
export function listCount(pagination, items) {
  const count = pagination?.total ?? items.length;
  return h("p", { class: "count", "data-result-count": count }, t("list.count", { count }));
}

/** Previous / next for a paginated list; ``go(page)`` shows another page. */
export function pager(pagination, go) {
  if (!pagination || (pagination.total_pages || 1) <= 1) return null;
  return h("nav", { class: "pager", "aria-label": t("pager.label") },
    h("button", { type: "button", disabled: !pagination.previous_page, onclick: () => go(pagination.previous_page) },
      t("pager.previous")),
    h("span", {}, t("pager.position", { page: pagination.page, pages: pagination.total_pages })),
    h("button", { type: "button", disabled: !pagination.next_page, onclick: () => go(pagination.next_page) },
      t("pager.next")));
}

export function tabs(items, current) {
  return h("nav", { class: "tabs", "aria-label": t("tabs.label") }, items.map(([key, label, href]) =>
    h("a", { href, "aria-current": key === current ? "page" : false }, label)));
}

export const definition = (pairs) =>
  h("dl", { class: "properties" }, pairs.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value ?? "—")]));

export function go(hash) {
  for (const item of document.getElementById("notices").children) item.dataset.carry = "yes";
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

// --------------------------------------------------------------------------------------------- the app
/**
 * Start a UI: finish or resume the sign-in, draw the shell, and show the view of each ``#/path``.
 * ``routes``: [pattern, view(params, query), {auth}]; a view returns the main content (or a promise of it).
 */
export async function startApp({ session: uiSession, shell, routes, notFound }) {
  session = uiSession;
  const main = document.getElementById("main");
  try {
    await session.completeSignIn();
  } catch (error) {
    notice(error.message, "error");
  }
  if (session.signedIn && !session.tokens) {
    await session.resume();
    return;
  }
  if (session.tokens) {
    try {
      session.account = await api("GET", "/api/v1/accounts/me");
    } catch (error) {
      notice(error.message, "error");
    }
  }
  let rendering = 0;
  let shown = null; // the path whose page main shows, kept when a call for that page fails
  const announcer = h("p", { class: "visually-hidden", role: "status", id: "announcer" });
  document.body.append(announcer);
  window.addEventListener("portal:session-lost", () => {
    shell((location.hash.slice(1) || "/").split("?")[0]);
    sessionLostDialog();
  });
  async function render(event) {
    const ticket = ++rendering;
    const [path, queryText] = (location.hash.slice(1) || "/").split("?");
    const query = Object.fromEntries(new URLSearchParams(queryText || ""));
    if (event?.type === "hashchange") clearNotices();
    shell(path);
    const found = routes.find(([pattern]) => pattern.test(path)) || [null, notFound];
    const [pattern, view, options = {}] = found;
    if (options.auth && !session.tokens) {
      await session.signIn(location.hash);
      return;
    }
    // What the page showed and where the person was, to tell a page change from a tab switch or a search.
    const before = main.querySelector("h1")?.textContent;
    const controls = () => [...main.querySelectorAll("a, button, input, select, textarea")];
    const active = main.contains(document.activeElement) ? document.activeElement : null;
    const activeHref = active?.getAttribute("href");
    const activeIndex = active ? controls().indexOf(active) : -1;
    main.setAttribute("aria-busy", "true");
    const samePage = shown === path && main.firstElementChild && !main.querySelector(".page-error");
    if (samePage) main.querySelectorAll(":scope > .page-problem").forEach((node) => node.remove());
    else main.replaceChildren(loading());
    const previous = samePage ? [...main.childNodes] : null; // kept as they are while the page loads again
    let content;
    try {
      content = await view(...(pattern ? path.match(pattern).slice(1) : []), query);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (ticket !== rendering) return;
      const panel = errorPanel(error, () => render());
      main.removeAttribute("aria-busy");
      if (previous) {
        // A search or a refresh of the page on show failed: the page stays as it was, the error above it.
        panel.classList.add("page-problem");
        panel.tabIndex = -1;
        main.replaceChildren(panel, ...previous);
        panel.focus();
        return;
      }
      content = h("section", { class: "page-error" }, h("h1", {}, t("error.title")), errorPanel(error, () => render()));
    }
    if (ticket !== rendering) return; // the person went elsewhere meanwhile
    main.replaceChildren(content);
    main.removeAttribute("aria-busy");
    const firstPage = shown === null;
    shown = path;
    restoreDraft();
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      document.title = `${heading.textContent} · ${t("product")}`;
      // Focus moves to the heading on a page change only: the first Tab of a fresh load reaches the skip
      // link, and a tab switch or a search (same heading) leaves the focus where the person was.
      const pageChange = !firstPage && event?.type !== "portal:language" && heading.textContent !== before;
      if (pageChange) heading.focus({ preventScroll: false });
      else if (active) {
        // the same control on the page drawn again: the tab just chosen, or the search's own field
        const same = (activeHref && main.querySelector(`a[href="${CSS.escape(activeHref)}"]`)) || controls()[activeIndex];
        same?.focus();
      }
    }
    const counted = main.querySelector("[data-result-count]");
    announcer.textContent = samePage && counted ? t("search.results", { count: counted.dataset.resultCount }) : "";
  }
  window.addEventListener("hashchange", render);
  window.addEventListener("portal:language", render);
  await render();
}

// ------------------------------------------------------------------------------------- session lost
const DRAFT_KEY = "portal.draft";

/** What the person typed in the page's forms (never passwords or files), to put back after signing in. */
function saveDraft() {
  const forms = [...document.querySelectorAll("#main form:not([role=search])")].map((element) =>
    [...element.elements].filter((control) => control.name && !/secret|token|password/i.test(control.name)
      && !["password", "file", "submit", "button", "hidden"].includes(control.type)).map((control) => [control.name, control.value,
      control.type === "checkbox" || control.type === "radio" ? control.checked : null]));
  if (forms.some((controls) => controls.length)) {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ hash: location.hash, forms }));
  }
}

function restoreDraft() {
  const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
  if (!draft || draft.hash !== location.hash) return;
  sessionStorage.removeItem(DRAFT_KEY);
  const forms = [...document.querySelectorAll("#main form:not([role=search])")];
  draft.forms.forEach((controls, index) => {
    const element = forms[index];
    if (!element) return;
    for (const [name, value, checked] of controls) {
      const control = [...element.elements].find((candidate) => candidate.name === name
        && (checked === null || candidate.value === value));
      if (!control) continue;
      if (checked === null) control.value = value;
      else control.checked = checked;
    }
  });
  notice(t("session.restored"));
}

let sessionDialogOpen = false;

async function sessionLostDialog() {
  if (sessionDialogOpen) return;
  sessionDialogOpen = true;
  const answer = await dialog({
    title: t("session.expired_title"),
    body: h("p", {}, t("session.expired_dialog")),
    buttons: [{ label: t("action.later"), value: "" }, { label: t("session.sign_in_again"), value: "sign-in", primary: true }],
  });
  sessionDialogOpen = false;
  if (answer === "sign-in") {
    saveDraft();
    await session.signIn(location.hash);
  }
}

/** What every page of both UIs has: the header (product, menu, language, sign in or out), skip link, footer. */
export function drawShell(options) {
  document.getElementById("top").replaceChildren(header(options));
  document.getElementById("skip").textContent = t("skip");
  document.getElementById("footer").replaceChildren(h("p", {}, t("footer")),
    h("nav", { "aria-label": t("footer.label") }, h("ul", { class: "footer-links" },
      [["/#/terms", t("footer.terms")], ["/#/privacy", t("footer.privacy")], ["/#/contact", t("footer.contact")]]
        .map(([href, label]) => h("li", {}, h("a", { href }, label))))));
}

let helpdeskAnswer = null;

/** The helpdesk's address: one setting of the portal (HELPDESK_EMAIL), asked once per page load. */
export function helpdesk() {
  helpdeskAnswer ??= api("GET", "/api/v1/public/contact").then((contact) => contact.helpdesk_email)
    .catch(() => { helpdeskAnswer = null; return null; });
  return helpdeskAnswer;
}

/** An action button's call: say what happened (or what went wrong), then show ``then`` again. */
export async function perform(action, done, then) {
  try {
    await action();
    notice(done);
    go(then);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    notice(error.message, "error");
  }
}

function header({ title, menu, current, visitor = [], signInTarget = "#/" }) {
  const signedIn = Boolean(session.tokens);
  const other = language === "nl" ? "en" : "nl";
  const languageButton = h("button", { type: "button", class: "link", lang: other,
    onclick: () => {
      setLanguage(other);
      window.dispatchEvent(new Event("portal:language"));
    } }, t("language.switch"));
  const account = signedIn
    ? [h("span", { class: "who" }, session.account?.email || ""),
      h("button", { type: "button", class: "link", onclick: () => session.signOut() }, t("action.sign_out"))]
    : [...visitor,
      h("button", { type: "button", class: "link", onclick: () => session.signIn(signInTarget) }, t("action.sign_in"))];
  return h("div", { class: "bar" },
    h("a", { class: "brand", href: "#/" }, title),
    h("nav", { "aria-label": t("menu.label") }, h("ul", {}, menu.map(([href, label, key]) =>
      h("li", {}, h("a", { href, "aria-current": key === current ? "page" : false }, label))))),
    h("div", { class: "account" }, languageButton, account));
}
