// What the two UIs say alike about the portal's domain: the data APIs, the partner categories, states.
import { h, t } from "./core.js";

// The APIs a partner can ask access to (the apps service's DATA_APIS) and the partner categories
// (the partners service's CATEGORIES); their labels live in texts.js.
export const API_NAMES = ["leerlingen", "personeel", "internen", "voorinschrijvingen", "rekeningen"];
export const CATEGORIES = [
  "administratie", "boekhouding", "communicatie", "hrm", "leerplatform", "leerlingvolgsysteem", "planning", "andere",
];

export const apiLabel = (name) => t(`api.${name}`);
export const categoryLabel = (key) => t(`category.${key}`);
export const requestStateBadge = (state) => h("span", { class: `badge badge-${state}` }, t(`request.${state}`));
