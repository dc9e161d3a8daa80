import { asn1X509 } from './x509.js';

/** Subject fields beyond the common name, as Vault's `ou`, `organization`, … fields. */
export interface SubjectFields {
  commonName: string;
  ou?: string[];
  organization?: string[];
  country?: string[];
  locality?: string[];
  province?: string[];
}

/** X.520 attribute types (RFC 5280 Appendix A.1). */
const ATTRIBUTE_TYPES = {
  country: '2.5.4.6',
  province: '2.5.4.8',
  locality: '2.5.4.7',
  organization: '2.5.4.10',
  ou: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

/** PrintableString's alphabet (X.680 §41.4). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * A PrintableString when the value fits its alphabet, else a UTF8String: the choice
 * @peculiar/x509's Name makes for these attributes, and the one RFC 5280 §4.1.2.6 allows.
 * Values are taken literally (x509's Name would also unescape `\`, strip quotes and read `#…`
 * as hex, none of which a Vault field means).
 */
function attribute(type: string, value: string): asn1X509.AttributeTypeAndValue {
  const attr = new asn1X509.AttributeTypeAndValue({ type });
  if (PRINTABLE.test(value)) attr.value.printableString = value;
  else attr.value.utf8String = value;
  return attr;
}

/**
 * The subject Name: one RDN per value, in Vault's order (C, ST, L, O, OU, then CN last);
 * empty values are left out. Built from asn1-x509's objects directly because x509's Name goes
 * through a DER encode and parse per certificate (≈ 90 µs).
 */
export function subjectName(fields: SubjectFields): asn1X509.Name {
  const rdns: asn1X509.RelativeDistinguishedName[] = [];
  const add = (type: string, values: readonly string[] | undefined) => {
    for (const v of values ?? []) if (v !== '') rdns.push(new asn1X509.RelativeDistinguishedName([attribute(type, v)]));
  };
  add(ATTRIBUTE_TYPES.country, fields.country);
  add(ATTRIBUTE_TYPES.province, fields.province);
  add(ATTRIBUTE_TYPES.locality, fields.locality);
  add(ATTRIBUTE_TYPES.organization, fields.organization);
  add(ATTRIBUTE_TYPES.ou, fields.ou);
  add(ATTRIBUTE_TYPES.commonName, [fields.commonName]);
  return new asn1X509.Name(rdns);
}
