// Back-office accounts, for moderators: invite moderators and school admins (their schools picked from the
// schools list), change their role, schools and language, send an invitation again, (de)activate.
import {
  api, apiPage, dialog, definition, empty, field, form, formatDate, go, h, notice, pager, perform, t, table,
} from "/assets/core.js";
import { searchForm } from "/assets/common.js";

const ROLES = ["moderator", "school-admin"];
const LANGUAGES = ["nl", "en"];
const STATE_BADGE = { pending: "pending", active: "approved", disabled: "archived" };

const roleLabel = (role) => t(`accounts.role_${role}`);
const stateBadge = (account) =>
  h("span", { class: `badge badge-${STATE_BADGE[account.status]}` }, t(`accounts.state_${account.status}`));
const languageOptions = () => LANGUAGES.map((code) => [code, t(`accounts.language_${code}`)]);

/** Schools by institution number, as the scopes service names them (a number it does not know stays bare). */
async function schoolsNamed(numbers) {
  const found = await Promise.all(numbers.map((number) =>
    apiPage("/api/v1/admin/schools", { q: number, page_size: 10 })
      .then(({ items }) => items.find((school) => school.institution_number === number))
      .catch(() => null)));
  return numbers.map((number, index) => found[index] ?? { institution_number: number, name: "" });
}

const schoolLabel = (school) => (school.name ? `${school.name} (${school.institution_number})` : school.institution_number);

/**
 * The schools a school admin administers: the chosen ones as checked boxes (the form sends them as
 * ``institutions``) and a search of the schools list to add more.
 */
function schoolPicker(chosen) {
  const list = h("div", { class: "chosen-schools", "aria-live": "polite" });
  const results = h("ul", { class: "plain school-results" });
  const choose = (school) => {
    if (list.querySelector(`input[value="${CSS.escape(school.institution_number)}"]`)) return;
    const id = `school-${school.institution_number}`;
    list.append(h("div", { class: "field-check" },
      h("input", { type: "checkbox", id, name: "institutions", value: school.institution_number, checked: true }),
      h("label", { for: id }, schoolLabel(school))));
  };
  chosen.forEach(choose);
  const query = h("input", { id: "school-search", type: "search", autocomplete: "off" });
  const search = async () => {
    const { items } = await apiPage("/api/v1/admin/schools", { q: query.value || null, page_size: 20 });
    results.replaceChildren(...(items.length
      ? items.map((school) => h("li", {}, h("button", { type: "button", class: "link",
        onclick: () => choose(school) }, t("accounts.add_school", { school: schoolLabel(school) }))))
      : [h("li", {}, t("search.none"))]));
  };
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // searches instead of saving the form
      search();
    }
  });
  return h("fieldset", { class: "field", "data-field": "institutions" },
    h("legend", {}, t("accounts.schools")),
    h("p", { class: "hint" }, t("accounts.schools_hint")),
    list,
    h("div", { class: "field" },
      h("label", { for: "school-search" }, t("accounts.school_search")),
      query, h("button", { type: "button", onclick: search }, t("action.search"))),
    results);
}

/** Role, schools and language: the schools only for a school admin. */
function rightsFields(account, schools) {
  const picker = schoolPicker(schools);
  const role = field({ label: t("accounts.role"), name: "role", value: account.role, required: true,
    options: ROLES.map((value) => [value, roleLabel(value)]) });
  const showSchools = () => {
    const admin = role.querySelector("select").value === "school-admin";
    picker.hidden = !admin;
    picker.querySelectorAll("input").forEach((input) => (input.disabled = !admin));
  };
  role.querySelector("select").addEventListener("change", showSchools);
  showSchools();
  return [role, picker,
    field({ label: t("accounts.language"), name: "language", value: account.language, required: true,
      hint: t("accounts.language_hint"), options: languageOptions() })];
}

export async function accounts(query) {
  const { items, pagination } = await apiPage("/api/v1/accounts/users", {
    q: query.q || null, role: query.role || null, back_office: true, page: query.page || 1,
  });
  return h("section", {},
    h("div", { class: "title-row" }, h("h1", {}, t("accounts.title")),
      h("a", { class: "button primary", href: "#/accounts/new" }, t("accounts.new"))),
    h("p", {}, t("accounts.intro")),
    searchForm("#/accounts", [
      field({ label: t("search.text"), name: "q", type: "search", value: query.q || "" }),
      field({ label: t("accounts.role"), name: "role", value: query.role || "",
        options: [["", t("accounts.any_back_office")], ...ROLES.map((value) => [value, roleLabel(value)])] }),
    ]),
    h("div", { "aria-live": "polite" }, items.length
      ? table([
        [t("accounts.email"), (account) => h("a", { href: `#/accounts/${account.id}` }, account.email)],
        [t("accounts.role"), (account) => account.roles.map(roleLabel).join(", ")],
        [t("accounts.schools"), (account) => account.institutions.join(", ") || "—"],
        [t("accounts.language"), (account) => t(`accounts.language_${account.language}`)],
        [t("accounts.state"), stateBadge],
      ], items)
      : empty(t("search.none"))),
    pager(pagination, (next) => go(`#/accounts?${new URLSearchParams({ ...query, page: next })}`)));
}

export function newAccount() {
  return h("section", {},
    h("p", {}, h("a", { href: "#/accounts" }, t("accounts.back"))),
    h("h1", {}, t("accounts.new")),
    h("p", {}, t("accounts.new_intro")),
    form({
      label: t("accounts.new"),
      submit: t("accounts.invite"),
      children: [
        field({ label: t("accounts.email"), name: "email", type: "email", required: true, autocomplete: "off" }),
        ...rightsFields({ role: "school-admin", language: "nl" }, []),
      ],
      onSubmit: async (values) => {
        const created = await api("POST", "/api/v1/accounts/users", { body: { institutions: [], ...values } });
        notice(t("accounts.invited", { email: created.email }));
        go(`#/accounts/${created.id}`);
      },
    }));
}

export async function accountDetail(accountId) {
  const url = `/api/v1/accounts/users/${encodeURIComponent(accountId)}`;
  const account = await api("GET", url);
  const role = account.roles.find((value) => ROLES.includes(value));
  const here = `#/accounts/${account.id}`;
  const schools = await schoolsNamed(account.institutions);
  const toggle = async () => {
    if (account.status !== "disabled") {
      const answer = await dialog({ title: t("accounts.deactivate_title", { email: account.email }),
        body: h("p", {}, t("accounts.deactivate_warning")),
        buttons: [{ label: t("action.cancel"), value: "" }, { label: t("accounts.deactivate"), value: "go", danger: true }] });
      if (answer !== "go") return;
    }
    const action = account.status === "disabled" ? "reactivate" : "deactivate";
    await perform(() => api("POST", `${url}/${action}`), t(`accounts.${action}_done`, { email: account.email }), here);
  };
  const resend = () => perform(() => api("POST", `${url}/invitation`),
    t("accounts.resent", { email: account.email }), here);
  return h("section", {},
    h("p", {}, h("a", { href: "#/accounts" }, t("accounts.back"))),
    h("div", { class: "title-row" }, h("h1", {}, account.email), stateBadge(account)),
    definition([
      [t("accounts.role"), account.roles.map(roleLabel).join(", ")],
      [t("accounts.schools"), schools.length ? h("ul", { class: "plain" }, schools.map((school) =>
        h("li", {}, schoolLabel(school)))) : "—"],
      [t("accounts.language"), t(`accounts.language_${account.language}`)],
      [t("accounts.created_at"), formatDate(account.created_at)],
      [t("accounts.activated_at"), account.activated_at ? formatDate(account.activated_at) : "—"],
    ]),
    h("div", { class: "actions" },
      account.status === "pending" && role
        ? h("button", { type: "button", onclick: resend }, t("accounts.resend")) : null,
      h("button", { type: "button", class: account.status === "disabled" ? "" : "danger", onclick: toggle },
        account.status === "disabled" ? t("accounts.reactivate") : t("accounts.deactivate"))),
    role ? [
      h("h2", { id: "account-edit" }, t("accounts.edit")),
      form({
        label: t("accounts.edit"),
        submit: t("action.save"),
        children: rightsFields({ role, language: account.language }, schools),
        onSubmit: async (values) => {
          await api("PUT", url, { body: { institutions: [], ...values } });
          notice(t("accounts.saved", { email: account.email }));
          go(here);
        },
      }),
    ] : h("p", {}, t("accounts.not_back_office")));
}
