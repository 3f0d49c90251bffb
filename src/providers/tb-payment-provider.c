/* tb-payment-provider.c
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "tb-payment-provider.h"

G_DEFINE_INTERFACE (TbPaymentProvider, tb_payment_provider, G_TYPE_OBJECT)

static void
tb_payment_provider_default_init (TbPaymentProviderInterface *iface)
{
}

void
tb_provider_link_free (TbProviderLink *link)
{
  if (link == NULL)
    return;
  g_free (link->name);
  g_free (link->description);
  g_free (link->link);
  g_free (link);
}

TbProviderInvoice *
tb_provider_invoice_new (void)
{
  TbProviderInvoice *invoice = g_new0 (TbProviderInvoice, 1);

  invoice->links = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_provider_link_free);
  return invoice;
}

void
tb_provider_invoice_free (TbProviderInvoice *invoice)
{
  if (invoice == NULL)
    return;
  g_free (invoice->invoice_id);
  g_free (invoice->qr_text);
  g_free (invoice->short_url);
  g_clear_pointer (&invoice->links, g_ptr_array_unref);
  g_free (invoice);
}

void
tb_provider_payment_free (TbProviderPayment *payment)
{
  if (payment == NULL)
    return;
  g_free (payment->txn_id);
  g_free (payment->status);
  g_free (payment->invoice_id);
  g_free (payment);
}

TbProviderCheck *
tb_provider_check_new (void)
{
  TbProviderCheck *check = g_new0 (TbProviderCheck, 1);

  check->payments = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_provider_payment_free);
  return check;
}

void
tb_provider_check_free (TbProviderCheck *check)
{
  if (check == NULL)
    return;
  g_clear_pointer (&check->payments, g_ptr_array_unref);
  g_free (check);
}

char *
tb_provider_links_to_json (GPtrArray *links)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (links == NULL || links->len == 0)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < links->len; i++)
    {
      TbProviderLink *link = links->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, link->name != NULL ? link->name : "");
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, link->description != NULL ? link->description : "");
      json_builder_set_member_name (builder, "link");
      json_builder_add_string_value (builder, link->link != NULL ? link->link : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

GPtrArray *
tb_provider_links_from_json (const char *json)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_provider_link_free);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonArray *array;

  if (json == NULL)
    return g_steal_pointer (&links);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return g_steal_pointer (&links);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return g_steal_pointer (&links);

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      TbProviderLink *link;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      link = g_new0 (TbProviderLink, 1);
      link->name = member_string (json_node_get_object (node), "name");
      link->description = member_string (json_node_get_object (node), "description");
      link->link = member_string (json_node_get_object (node), "link");
      g_ptr_array_add (links, link);
    }
  return g_steal_pointer (&links);
}

const char *
tb_payment_provider_get_name (TbPaymentProvider *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), NULL);
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->get_name (self);
}

const char *
tb_payment_provider_get_environment (TbPaymentProvider *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), NULL);
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->get_environment (self);
}

gint64
tb_payment_provider_get_minimum (TbPaymentProvider *self)
{
  TbPaymentProviderInterface *iface;

  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), 1);
  iface = TB_PAYMENT_PROVIDER_GET_IFACE (self);
  return iface->get_minimum != NULL ? iface->get_minimum (self) : 1;
}

gboolean
tb_payment_provider_whole_units_only (TbPaymentProvider *self)
{
  TbPaymentProviderInterface *iface;

  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), FALSE);
  iface = TB_PAYMENT_PROVIDER_GET_IFACE (self);
  return iface->whole_units_only != NULL && iface->whole_units_only (self);
}

void
tb_payment_provider_create_async (TbPaymentProvider              *self,
                                  const TbProviderInvoiceRequest *request,
                                  GCancellable                   *cancellable,
                                  GAsyncReadyCallback             callback,
                                  gpointer                        user_data)
{
  g_return_if_fail (TB_IS_PAYMENT_PROVIDER (self));
  TB_PAYMENT_PROVIDER_GET_IFACE (self)->create_async (self, request, cancellable, callback, user_data);
}

TbProviderInvoice *
tb_payment_provider_create_finish (TbPaymentProvider  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), NULL);
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->create_finish (self, result, error);
}

void
tb_payment_provider_check_async (TbPaymentProvider   *self,
                                 const char          *invoice_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TB_IS_PAYMENT_PROVIDER (self));
  TB_PAYMENT_PROVIDER_GET_IFACE (self)->check_async (self, invoice_id, cancellable, callback, user_data);
}

TbProviderCheck *
tb_payment_provider_check_finish (TbPaymentProvider  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), NULL);
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->check_finish (self, result, error);
}

void
tb_payment_provider_cancel_async (TbPaymentProvider   *self,
                                  const char          *invoice_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TB_IS_PAYMENT_PROVIDER (self));
  TB_PAYMENT_PROVIDER_GET_IFACE (self)->cancel_async (self, invoice_id, cancellable, callback, user_data);
}

gboolean
tb_payment_provider_cancel_finish (TbPaymentProvider  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), FALSE);
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->cancel_finish (self, result, error);
}

gboolean
tb_payment_provider_error_is_transient (TbPaymentProvider *self,
                                        const GError      *error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), FALSE);
  if (error == NULL)
    return FALSE;
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->error_is_transient (self, error);
}

gboolean
tb_payment_provider_error_is_already_paid (TbPaymentProvider *self,
                                           const GError      *error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (self), FALSE);
  if (error == NULL)
    return FALSE;
  return TB_PAYMENT_PROVIDER_GET_IFACE (self)->error_is_already_paid (self, error);
}
