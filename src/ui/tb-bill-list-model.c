/* tb-bill-list-model.c: a lazy GListModel of bills, read from the ledger page by page
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tb-bill-item.h"
#include "tb-bill-list-model.h"

/* GTK_INVALID_LIST_POSITION without pulling GTK into the model. */
#define INVALID_POSITION G_MAXUINT

typedef struct
{
  guint      index;      /* page number: first row is index * TB_BILL_LIST_PAGE_SIZE */
  guint64    last_used;
  GPtrArray *items;      /* TbBillItem */
} Page;

struct _TbBillListModel
{
  GObject        parent_instance;

  TbLedger      *ledger;
  TbBillFilter   filter;
  char          *search;

  guint          n_items;
  guint          limit;        /* > 0: show at most this many until tb_bill_list_model_show_all() */
  Page           pages[TB_BILL_LIST_MAX_PAGES];
  guint          n_pages;
  guint64        use_counter;

  /* Searches are not counted (a common name prefix can match tens of thousands of bills,
   * and counting them costs more than reading the first page): the list grows a page at a
   * time as it is scrolled, and @complete says the last page was read. */
  gboolean       growing;
  gboolean       complete;
  guint          grow_source;

  GError        *error;
  guint          resync_source;
  gboolean       resynced;
};

static void tb_bill_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TbBillListModel, tb_bill_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tb_bill_list_model_iface_init))

enum {
  PROP_0,
  PROP_LEDGER,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
clear_pages (TbBillListModel *self)
{
  for (guint i = 0; i < self->n_pages; i++)
    g_clear_pointer (&self->pages[i].items, g_ptr_array_unref);
  self->n_pages = 0;
}

static void
set_error (TbBillListModel *self,
           GError          *error)
{
  if (error != NULL)
    g_warning ("Could not read bills: %s", error->message);
  g_clear_error (&self->error);
  self->error = error;
}

static guint
count_items (TbBillListModel *self)
{
  g_autoptr(GError) error = NULL;
  guint n;

  n = tb_ledger_count_bills (self->ledger, self->filter, self->search, &error);
  if (error != NULL)
    {
      set_error (self, g_steal_pointer (&error));
      return 0;
    }

  return n;
}

static gboolean
resync_cb (gpointer user_data)
{
  TbBillListModel *self = user_data;

  self->resync_source = 0;
  tb_bill_list_model_reload (self);
  /* One automatic resync per change: if the ledger keeps disagreeing with itself we show
   * placeholders rather than reloading in a loop. */
  self->resynced = TRUE;

  return G_SOURCE_REMOVE;
}

static Page *
find_page (TbBillListModel *self,
           guint            index)
{
  for (guint i = 0; i < self->n_pages; i++)
    {
      if (self->pages[i].index == index)
        {
          self->pages[i].last_used = ++self->use_counter;
          return &self->pages[i];
        }
    }

  return NULL;
}

/* Reads page @index into the cache (evicting the least recently used page). */
static Page *
load_page (TbBillListModel *self,
           guint            index)
{
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(GError) error = NULL;
  Page *page;

  if (self->n_pages < TB_BILL_LIST_MAX_PAGES)
    {
      page = &self->pages[self->n_pages++];
    }
  else
    {
      page = &self->pages[0];
      for (guint i = 1; i < self->n_pages; i++)
        if (self->pages[i].last_used < page->last_used)
          page = &self->pages[i];
      g_clear_pointer (&page->items, g_ptr_array_unref);
    }

  page->index = index;
  page->last_used = ++self->use_counter;
  page->items = g_ptr_array_new_with_free_func (g_object_unref);

  bills = tb_ledger_list_bills (self->ledger, self->filter, self->search,
                                index * TB_BILL_LIST_PAGE_SIZE, TB_BILL_LIST_PAGE_SIZE,
                                &error);
  if (bills == NULL)
    set_error (self, g_steal_pointer (&error));

  for (guint i = 0; bills != NULL && i < bills->len; i++)
    g_ptr_array_add (page->items, tb_bill_item_new (g_ptr_array_index (bills, i)));

  return page;
}

static Page *
fetch_page (TbBillListModel *self,
            guint            index)
{
  Page *page;
  guint expected;

  page = find_page (self, index);
  if (page != NULL)
    return page;

  page = load_page (self, index);

  /* Bills are never deleted, but with a filter a bill can leave the list (it got paid at
   * another desk) between our count and this read. GListModel must still return an item
   * for every position below n_items, so fill with placeholders and count again soon. */
  expected = MIN (TB_BILL_LIST_PAGE_SIZE, self->n_items - index * TB_BILL_LIST_PAGE_SIZE);
  if (page->items->len < expected)
    {
      while (page->items->len < expected)
        g_ptr_array_add (page->items, tb_bill_item_new_placeholder ());

      if (self->resync_source == 0 && !self->resynced)
        self->resync_source = g_idle_add (resync_cb, self);
    }

  return page;
}

/* Appends the next page of a search. */
static void
grow (TbBillListModel *self)
{
  Page *page;
  guint added;
  guint old_n = self->n_items;

  g_assert (self->growing && !self->complete);
  g_assert (self->n_items % TB_BILL_LIST_PAGE_SIZE == 0);

  page = load_page (self, self->n_items / TB_BILL_LIST_PAGE_SIZE);
  added = page->items->len;
  self->complete = added < TB_BILL_LIST_PAGE_SIZE || self->error != NULL;
  self->n_items += added;

  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, added);
}

static gboolean
grow_cb (gpointer user_data)
{
  TbBillListModel *self = user_data;

  self->grow_source = 0;
  if (self->growing && !self->complete)
    {
      grow (self);
      if (self->complete)
        g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_COMPLETE]);
    }

  return G_SOURCE_REMOVE;
}

/* What GListModel reports: the count, or less while the start-up limit holds. */
static guint
visible_items (TbBillListModel *self)
{
  return self->limit > 0 ? MIN (self->n_items, self->limit) : self->n_items;
}

static GType
tb_bill_list_model_get_item_type (GListModel *model)
{
  return TB_TYPE_BILL_ITEM;
}

static guint
tb_bill_list_model_get_n_items (GListModel *model)
{
  return visible_items (TB_BILL_LIST_MODEL (model));
}

static gpointer
tb_bill_list_model_get_item (GListModel *model,
                             guint       position)
{
  TbBillListModel *self = TB_BILL_LIST_MODEL (model);
  Page *page;
  guint offset;

  if (position >= visible_items (self))
    return NULL;

  page = fetch_page (self, position / TB_BILL_LIST_PAGE_SIZE);
  offset = position % TB_BILL_LIST_PAGE_SIZE;

  /* The view is getting close to the end of what a search has read: read on, from the main
   * loop (items_changed must not be emitted from inside get_item). */
  if (self->growing && !self->complete && self->grow_source == 0 &&
      position + TB_BILL_LIST_PAGE_SIZE / 2 >= self->n_items)
    self->grow_source = g_idle_add (grow_cb, self);

  if (offset >= page->items->len)
    return tb_bill_item_new_placeholder ();

  return g_object_ref (g_ptr_array_index (page->items, offset));
}

static void
tb_bill_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = tb_bill_list_model_get_item_type;
  iface->get_n_items = tb_bill_list_model_get_n_items;
  iface->get_item = tb_bill_list_model_get_item;
}

static void
tb_bill_list_model_dispose (GObject *object)
{
  TbBillListModel *self = (TbBillListModel *) object;

  g_clear_handle_id (&self->resync_source, g_source_remove);
  g_clear_handle_id (&self->grow_source, g_source_remove);
  clear_pages (self);
  g_clear_object (&self->ledger);

  G_OBJECT_CLASS (tb_bill_list_model_parent_class)->dispose (object);
}

static void
tb_bill_list_model_finalize (GObject *object)
{
  TbBillListModel *self = (TbBillListModel *) object;

  g_clear_pointer (&self->search, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (tb_bill_list_model_parent_class)->finalize (object);
}

static void
tb_bill_list_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TbBillListModel *self = TB_BILL_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_LEDGER:
      g_value_set_object (value, self->ledger);
      break;

    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tb_bill_list_model_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TbBillListModel *self = TB_BILL_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_LEDGER:
      self->ledger = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tb_bill_list_model_constructed (GObject *object)
{
  TbBillListModel *self = (TbBillListModel *) object;

  G_OBJECT_CLASS (tb_bill_list_model_parent_class)->constructed (object);

  g_assert (TB_IS_LEDGER (self->ledger));
  self->n_items = count_items (self);
}

static void
tb_bill_list_model_class_init (TbBillListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_bill_list_model_dispose;
  object_class->finalize = tb_bill_list_model_finalize;
  object_class->get_property = tb_bill_list_model_get_property;
  object_class->set_property = tb_bill_list_model_set_property;
  object_class->constructed = tb_bill_list_model_constructed;

  /**
   * TbBillListModel:ledger:
   *
   * The ledger the bills are read from.
   */
  properties [PROP_LEDGER] =
    g_param_spec_object ("ledger", NULL, NULL,
                         TB_TYPE_LEDGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TbBillListModel:complete:
   *
   * Whether every matching bill is in the model. Always %TRUE without a search; with a
   * search the model grows page by page and this turns %TRUE after the last page.
   */
  properties [PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tb_bill_list_model_init (TbBillListModel *self)
{
  self->filter = TB_BILL_FILTER_ALL;
  self->complete = TRUE;
}

TbBillListModel *
tb_bill_list_model_new (TbLedger *ledger)
{
  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);

  return g_object_new (TB_TYPE_BILL_LIST_MODEL, "ledger", ledger, NULL);
}

TbLedger *
tb_bill_list_model_get_ledger (TbBillListModel *self)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), NULL);
  return self->ledger;
}

TbBillFilter
tb_bill_list_model_get_filter (TbBillListModel *self)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), TB_BILL_FILTER_ALL);
  return self->filter;
}

const char *
tb_bill_list_model_get_search (TbBillListModel *self)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), NULL);
  return self->search;
}

void
tb_bill_list_model_set_query (TbBillListModel *self,
                              TbBillFilter     filter,
                              const char      *search)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (TB_IS_BILL_LIST_MODEL (self));

  if (search != NULL)
    {
      normalized = g_strstrip (g_strdup (search));
      if (normalized[0] == '\0')
        g_clear_pointer (&normalized, g_free);
    }

  if (filter == self->filter && g_strcmp0 (normalized, self->search) == 0)
    return;

  self->filter = filter;
  g_free (self->search);
  self->search = g_steal_pointer (&normalized);

  tb_bill_list_model_reload (self);
}

void
tb_bill_list_model_reload (TbBillListModel *self)
{
  gboolean was_complete;
  guint old_n;

  g_return_if_fail (TB_IS_BILL_LIST_MODEL (self));

  g_clear_handle_id (&self->resync_source, g_source_remove);
  g_clear_handle_id (&self->grow_source, g_source_remove);
  self->resynced = FALSE;
  g_clear_error (&self->error);

  old_n = visible_items (self);
  self->limit = 0;
  was_complete = self->complete;
  clear_pages (self);

  /* Two emissions, never items_changed (0, old, new): when a row GTK tracks (anchor, focus,
   * selection) falls in the removed range, GtkListItemManager looks for its item among ALL
   * the added items by identity, which would read every page of a million bills. With
   * "remove all" then "add all" there is nothing to search. Both happen before the next
   * frame, so the list never shows empty in between. */
  if (old_n > 0)
    {
      self->n_items = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
    }

  self->growing = self->search != NULL;
  if (self->growing)
    {
      /* The first page only; more as the list is scrolled. */
      self->complete = FALSE;
      grow (self);
    }
  else
    {
      self->complete = TRUE;
      self->n_items = count_items (self);
      if (self->n_items > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
    }

  if (was_complete != self->complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_COMPLETE]);
}

guint
tb_bill_list_model_find (TbBillListModel *self,
                         gint64           bill_id)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), INVALID_POSITION);

  for (guint i = 0; i < self->n_pages; i++)
    {
      const Page *page = &self->pages[i];

      for (guint j = 0; j < page->items->len; j++)
        if (tb_bill_item_get_id (g_ptr_array_index (page->items, j)) == bill_id &&
            page->index * TB_BILL_LIST_PAGE_SIZE + j < visible_items (self))
          return page->index * TB_BILL_LIST_PAGE_SIZE + j;
    }

  return INVALID_POSITION;
}

void
tb_bill_list_model_limit_until_shown (TbBillListModel *self,
                                      guint            limit)
{
  g_return_if_fail (TB_IS_BILL_LIST_MODEL (self));
  g_return_if_fail (!self->growing);

  self->limit = limit;
}

void
tb_bill_list_model_show_all (TbBillListModel *self)
{
  guint shown;

  g_return_if_fail (TB_IS_BILL_LIST_MODEL (self));

  if (self->limit == 0)
    return;

  shown = visible_items (self);
  self->limit = 0;
  if (self->n_items > shown)
    g_list_model_items_changed (G_LIST_MODEL (self), shown, 0, self->n_items - shown);
}

guint
tb_bill_list_model_get_count (TbBillListModel *self)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), 0);
  return self->n_items;
}

gboolean
tb_bill_list_model_get_complete (TbBillListModel *self)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), TRUE);
  return self->complete;
}

const GError *
tb_bill_list_model_get_error (TbBillListModel *self)
{
  g_return_val_if_fail (TB_IS_BILL_LIST_MODEL (self), NULL);
  return self->error;
}
