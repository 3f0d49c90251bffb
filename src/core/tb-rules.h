/* tb-rules.h: the one home of each input rule (TIN, phone, codes, bill lines)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tb-tax.h"

G_BEGIN_DECLS

/* Every place that accepts one of these values — the customer dialog, Preferences, the bill's
 * receipt options, the CLI, the ledger, the receipt queue and the QPay request builder — calls
 * the function here and nothing else, so that a value saved in one place is never refused in
 * another. Each function normalises its input and, when the value is wrong, fails with a
 * TB_RULES_ERROR whose code is the TbRuleField that is wrong and whose translated message says
 * how to fix it. Messages never repeat the value (phones and TINs are personal data).
 *
 * Blank input (NULL, "" or white space) is "not given": TRUE with *out set to NULL, unless
 * @required, then an error for that field. *out is always set; free it with g_free(). */

#define TB_RULES_ERROR (tb_rules_error_quark ())

typedef enum
{
  TB_RULE_FIELD_REGISTER_NO,     /* a customer's register number or TIN */
  TB_RULE_FIELD_TIN,             /* a taxpayer number: a company receipt's buyer, the merchant */
  TB_RULE_FIELD_PHONE,           /* a Mongolian phone number (also the e-barimt receiver) */
  TB_RULE_FIELD_DISTRICT,        /* Ebarimt district code */
  TB_RULE_FIELD_CLASSIFICATION,  /* Ebarimt product classification code */
  TB_RULE_FIELD_RECEIVER_TYPE,   /* CITIZEN or COMPANY */
  TB_RULE_FIELD_DESCRIPTION,     /* a bill line's description */
  TB_RULE_FIELD_QUANTITY,        /* a bill line's quantity */
  TB_RULE_FIELD_PRICE,           /* a bill line's unit price (and so its amount) */
} TbRuleField;

typedef enum
{
  TB_REGISTER_COMPANY,   /* 7 digits: a company's state register number */
  TB_REGISTER_TIN,       /* 11 digits (legal entity) to 14 (individuals): a taxpayer number */
  TB_REGISTER_CITIZEN,   /* two Cyrillic letters and 8 digits: a citizen's register number */
} TbRegisterKind;

/* Limits, from QPay's field table (UTF-8 bytes, the stricter reading). */
#define TB_RULES_MAX_DESCRIPTION_BYTES 255
#define TB_RULES_MAX_PHONE_BYTES       20

GQuark      tb_rules_error_quark    (void);
/* "register_no", "tin", "phone", … : a stable name for scripts and logs. */
const char *tb_rule_field_to_string (TbRuleField field);

/* A customer's register number: 7 digits (company), 11–14 digits (TIN) or two Cyrillic letters
 * and 8 digits (citizen). Normalised to upper case without white space ("уб 99112233" →
 * "УБ99112233"). @out_kind may be NULL. */
gboolean    tb_rules_register_no    (const char      *text,
                                     gboolean         required,
                                     char           **out,
                                     TbRegisterKind  *out_kind,
                                     GError         **error);
/* A taxpayer number, as a company receipt's buyer and as the merchant: a register number of
 * the digit kinds only (7, or 11 to 14 digits). A citizen's register number is refused. */
gboolean    tb_rules_tin            (const char      *text,
                                     gboolean         required,
                                     char           **out,
                                     GError         **error);
/* A Mongolian phone number: 8 digits, with optional spaces, dashes, dots, brackets and country
 * code (+976), at most 20 bytes as typed. Normalised to the 8 digits ("+976 9911-2233" →
 * "99112233"). The same rule serves a customer's phone and the e-barimt receiver. */
gboolean    tb_rules_phone          (const char      *text,
                                     gboolean         required,
                                     char           **out,
                                     GError         **error);
/* Ebarimt district code: 4 digits, leading zeros kept ("0101"); outer white space trimmed. */
gboolean    tb_rules_district_code  (const char      *text,
                                     gboolean         required,
                                     char           **out,
                                     GError         **error);
/* Ebarimt product classification code: 7 digits ("0111100"); outer white space trimmed. */
gboolean    tb_rules_classification_code (const char *text,
                                          gboolean    required,
                                          char      **out,
                                          GError    **error);
/* An e-receipt's receiver: "CITIZEN" (any case) with an optional phone, or "COMPANY" with a
 * required TIN. @receiver_type NULL means CITIZEN. *out_receiver is the normalised phone or
 * TIN, or NULL. */
gboolean    tb_rules_ebarimt_receiver (const char  *receiver_type,
                                       const char  *receiver,
                                       char       **out_receiver,
                                       GError     **error);

/* A bill line's description: valid UTF-8, not blank, at most 255 bytes once trimmed (about 120
 * Cyrillic letters). Always required. */
gboolean    tb_rules_line_description (const char  *text,
                                       char       **out,
                                       GError     **error);
/* A bill line's quantity in thousandths: more than zero, at most two decimals (QPay's
 * `line_quantity` takes two: a line QPay would refuse is refused when it is added). */
gboolean    tb_rules_line_quantity  (gint64           quantity_milli,
                                     GError         **error);
/* A unit price in minor units, VAT included: zero (a free line) or more, at most TB_MONEY_MAX. */
gboolean    tb_rules_line_price     (gint64           unit_price,
                                     GError         **error);
/* The whole line: the three rules above, then its amount and taxes (which must fit in
 * TB_MONEY_MAX). @out_description and @out_tax may be NULL. */
gboolean    tb_rules_line           (const char      *description,
                                     gint64           quantity_milli,
                                     gint64           unit_price,
                                     gboolean         vat,
                                     gboolean         city_tax,
                                     char           **out_description,
                                     TbLineTax       *out_tax,
                                     GError         **error);

G_END_DECLS
