// One XML builder for the mail-app answers (autoconfig, autodiscover): attributes under "@_", escaping by the library.
import { XMLBuilder } from "fast-xml-parser";

export const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true });
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
