/* The words of Django's admin scripts that Django's Greek catalog lacks: the week days of
   the calendar pop-up and the two-list selector. Our djangojs catalog (locale/el) gives
   them Greek and the admin's catalog (/admin/jsi18n/, loaded on every admin page) serves
   them with Django's own. Never served or run: it only lists the words for
   `make messages` (see admin_translations.py for the Python side). */
function listAdminWordsForMakemessages() {
  "use strict";
  return [
    gettext("Sunday"), gettext("Monday"), gettext("Tuesday"), gettext("Wednesday"),
    gettext("Thursday"), gettext("Friday"), gettext("Saturday"),
    pgettext("abbrev. day Sunday", "Sun"), pgettext("abbrev. day Monday", "Mon"),
    pgettext("abbrev. day Tuesday", "Tue"), pgettext("abbrev. day Wednesday", "Wed"),
    pgettext("abbrev. day Thursday", "Thur"), pgettext("abbrev. day Friday", "Fri"),
    pgettext("abbrev. day Saturday", "Sat"),
    gettext('Choose %s by selecting them and then select the "Choose" arrow button.'),
    gettext("Choose all %s"),
    gettext("Choose selected %s"),
    gettext("Remove selected %s"),
    gettext('Remove %s by selecting them and then select the "Remove" arrow button.'),
    gettext("Type into this box to filter down the list of selected %s."),
    gettext("(click to clear)"),
    gettext("Remove all %s"),
    ngettext("%s selected option not visible", "%s selected options not visible", 1)
  ];
}
