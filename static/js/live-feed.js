/*
 * The live news feed: keeps every list marked data-live-feed current while the page is open,
 * and lets "Older news" on the feed page append without leaving the page.
 *
 * - One shared URL per language is polled (no per-reader cursor, so caches answer everyone);
 *   the browser revalidates it with its ETag, so an unchanged feed costs a 304.
 * - The delay comes from the server's X-Poll-Interval header (0 stops polling: the kill switch).
 * - No polling while the tab is hidden; errors back off exponentially, with jitter.
 * - Each poll answer names the breaking-news banner's version (X-Banner-Version); when it
 *   differs from the page's, the banner is fetched and replaced. A banner leaves the page by
 *   itself at its end time (data-ends-at), poll or no poll.
 * - Only items whose data-feed-key is new are inserted, into an aria-live="polite" list.
 *   While the reader is inside the list (scrolled past its top, or focus within), nothing
 *   moves: a "N new" button appears instead, and inserts them when pressed.
 * - A live blog (articles/liveblog.py) polls its own URL the same way: lists are grouped by
 *   the URL they name, each with its own server-set interval. Its items carry
 *   data-feed-version (an edited entry replaces the shown one), its list data-feed-prune (an
 *   entry gone from the answer leaves), and its answer parts marked data-live-part (key
 *   events, the pinned entry) replace the element of the same id when their data-version
 *   changed. While the reader is inside the list, all of these wait behind the button too.
 * The page is complete without this script.
 */
(function () {
  "use strict";

  var lists = Array.prototype.slice.call(document.querySelectorAll("ol[data-live-feed]"));
  var moreLink = document.querySelector("a[data-feed-more]");
  if (!window.fetch || !("content" in document.createElement("template"))) {
    return;
  }

  var MAX_BACKOFF = 300000;
  /* One poller per URL: the news feed's, and a live blog's on its article page. */
  var pollers = [];
  lists.forEach(function (list) {
    var url = list.getAttribute("data-live-feed");
    var poller = pollers.filter(function (each) {
      return each.url === url;
    })[0];
    if (!poller) {
      var interval = parseInt(list.getAttribute("data-poll-interval"), 10);
      poller = { url: url, interval: interval, failures: 0, timer: null, stopped: !(interval > 0), lists: [] };
      pollers.push(poller);
    }
    poller.lists.push(list);
  });

  /* The breaking-news banner (articles/banner.py). */
  var bannerTimer = null;

  function bannerElement() {
    return document.getElementById("breaking-banner");
  }

  function endBannerOnTime() {
    var banner = bannerElement();
    window.clearTimeout(bannerTimer);
    var ends = banner && Date.parse(banner.getAttribute("data-ends-at") || "");
    if (ends) {
      bannerTimer = window.setTimeout(function () {
        banner.textContent = "";
        banner.removeAttribute("data-ends-at");
        banner.setAttribute("data-version", "none");
      }, Math.max(0, ends - Date.now()));
    }
  }

  function followBanner(version) {
    var banner = bannerElement();
    if (!banner || !version || banner.getAttribute("data-version") === version) {
      return;
    }
    fetch(banner.getAttribute("data-banner-url"), { headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var fresh = html && parseItems(html)[0];
        if (fresh && fresh.id === "breaking-banner") {
          bannerElement().replaceWith(fresh);
          endBannerOnTime();
        }
      })
      .catch(function () {});
  }

  endBannerOnTime();

  function parseItems(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.slice.call(template.content.children);
  }

  function keysOf(list) {
    var keys = {};
    list.querySelectorAll("[data-feed-key]").forEach(function (item) {
      keys[item.getAttribute("data-feed-key")] = true;
    });
    return keys;
  }

  function dayHeading(list, day) {
    return list.querySelector('.feed-list__day[data-feed-day="' + day + '"]');
  }

  function readerIsInside(list) {
    var box = list.getBoundingClientRect();
    var scrolledPast = box.top < 0 && box.bottom > 0;
    return scrolledPast || list.contains(document.activeElement);
  }

  function labelFor(button, count) {
    if (count === 0) {
      return button.getAttribute("data-label-updated");
    }
    if (count === 1) {
      return button.getAttribute("data-label-one");
    }
    return button.getAttribute("data-label-many").replace("__N__", String(count));
  }

  function itemOf(list, key) {
    return list.querySelector('[data-feed-key="' + key + '"]');
  }

  /* Edits, removals and replaced parts found by a poll, keyed so a later poll supersedes. */
  function changesOf(list, fetched, order) {
    var changes = {};
    var inAnswer = {};
    order.forEach(function (key) {
      inAnswer[key] = true;
    });
    fetched.forEach(function (node) {
      if (node.hasAttribute("data-live-part")) {
        var current = node.id && document.getElementById(node.id);
        if (current && current.getAttribute("data-version") !== node.getAttribute("data-version")) {
          changes["part:" + node.id] = { part: node.cloneNode(true) };
        }
        return;
      }
      var key = node.getAttribute("data-feed-key");
      var shown = key && node.hasAttribute("data-feed-version") && itemOf(list, key);
      if (shown && shown.getAttribute("data-feed-version") !== node.getAttribute("data-feed-version")) {
        changes["item:" + key] = { key: key, item: node.cloneNode(true) };
      }
    });
    if (list.hasAttribute("data-feed-prune")) {
      /* Gone from the answer, yet newer than an entry the answer still has: deleted. */
      var shownItems = Array.prototype.slice.call(list.querySelectorAll("[data-feed-key]"));
      var lastShared = -1;
      shownItems.forEach(function (item, index) {
        if (inAnswer[item.getAttribute("data-feed-key")]) {
          lastShared = index;
        }
      });
      shownItems.forEach(function (item, index) {
        var key = item.getAttribute("data-feed-key");
        if (!inAnswer[key] && (index < lastShared || !order.length)) {
          changes["item:" + key] = { key: key, removed: true };
        }
      });
    }
    return changes;
  }

  function applyChanges(list) {
    var changes = list.pendingChanges || {};
    list.pendingChanges = {};
    var touched = [];
    Object.keys(changes).forEach(function (name) {
      var change = changes[name];
      if (change.part) {
        var current = document.getElementById(change.part.id);
        if (current) {
          current.replaceWith(change.part);
          touched.push(change.part);
        }
        return;
      }
      var shown = itemOf(list, change.key);
      if (!shown) {
        return;
      }
      if (change.removed) {
        shown.remove();
      } else {
        shown.replaceWith(change.item);
        touched.push(change.item);
      }
    });
    return touched;
  }

  function pendingCount(list) {
    return Object.keys(list.pendingChanges || {}).length;
  }

  function newButton(list) {
    var section = list.parentElement;
    return section ? section.querySelector("button[data-feed-new]") : null;
  }

  /*
   * Put one new item where the server's order puts it: before the next older item the list
   * already shows (an item published with an earlier time lands lower, not on top). On the
   * feed page a new day gets its heading. Items older than everything shown are left out:
   * they belong to "Older news".
   */
  function insertOne(list, entry, withDays) {
    var anchor = null;
    for (var i = 0; i < entry.after.length && !anchor; i += 1) {
      anchor = list.querySelector('[data-feed-key="' + entry.after[i] + '"]');
    }
    if (!anchor) {
      if (list.querySelector("[data-feed-key]")) {
        return false;
      }
      if (withDays && entry.heading && !dayHeading(list, entry.day)) {
        list.appendChild(entry.heading);
      }
      list.appendChild(entry.item);
      return true;
    }
    if (withDays && anchor.getAttribute("data-feed-day") !== entry.day) {
      var anchorHeading = dayHeading(list, anchor.getAttribute("data-feed-day")) || anchor;
      if (entry.heading && !dayHeading(list, entry.day)) {
        list.insertBefore(entry.heading, anchorHeading);
      }
      anchor = anchorHeading;
    }
    list.insertBefore(entry.item, anchor);
    return true;
  }

  function insert(list, entries) {
    var withDays = list.hasAttribute("data-feed-days");
    var empty = list.querySelector(".feed-list__empty");
    if (empty) {
      empty.remove();
    }
    var inserted = entries.filter(function (entry) {
      return insertOne(list, entry, withDays);
    });
    var limit = parseInt(list.getAttribute("data-feed-limit"), 10);
    if (limit > 0) {
      var items = list.querySelectorAll("[data-feed-key]");
      for (var j = limit; j < items.length; j += 1) {
        items[j].remove();
      }
    }
    return inserted;
  }

  function showPending(list) {
    var pending = list.pendingEntries || [];
    var button = newButton(list);
    if (!button) {
      return;
    }
    if (pending.length || pendingCount(list)) {
      button.textContent = labelFor(button, pending.length);
      button.hidden = false;
    } else {
      button.hidden = true;
    }
  }

  function update(list, fetched) {
    var known = keysOf(list);
    (list.pendingEntries || []).forEach(function (entry) {
      known[entry.key] = true;
    });
    var order = [];
    var fresh = [];
    var heading = null;
    fetched.forEach(function (node) {
      if (node.hasAttribute("data-live-part")) {
        return;
      }
      if (node.classList.contains("feed-list__day")) {
        heading = node;
      } else if (node.hasAttribute("data-feed-key")) {
        var key = node.getAttribute("data-feed-key");
        order.push(key);
        if (!known[key]) {
          fresh.push({
            key: key,
            item: node.cloneNode(true),
            heading: heading ? heading.cloneNode(true) : null,
            day: node.getAttribute("data-feed-day"),
            position: order.length
          });
        }
      }
    });
    var changes = changesOf(list, fetched, order);
    if (!fresh.length && !Object.keys(changes).length) {
      return;
    }
    fresh.forEach(function (entry) {
      entry.after = order.slice(entry.position);
    });
    list.pendingEntries = fresh.concat(list.pendingEntries || []);
    list.pendingChanges = list.pendingChanges || {};
    Object.keys(changes).forEach(function (name) {
      list.pendingChanges[name] = changes[name];
    });
    if (readerIsInside(list)) {
      showPending(list);
    } else {
      flush(list, false);
    }
  }

  function flush(list, moveFocus) {
    var pending = list.pendingEntries || [];
    list.pendingEntries = [];
    var touched = applyChanges(list);
    showPending(list);
    var inserted = insert(list, pending);
    var firstNode = inserted.length ? inserted[0].item : touched[0];
    if (moveFocus && firstNode) {
      var first = firstNode.querySelector("a") || firstNode;
      if (!first.matches("a")) {
        first.setAttribute("tabindex", "-1");
      }
      first.focus();
    }
    if (inserted.length || touched.length) {
      /* New content may hold embeds' placeholders (static/js/embeds.js prepares them). */
      document.dispatchEvent(new CustomEvent("live-feed:changed"));
    }
  }

  function schedule(poller, delay) {
    window.clearTimeout(poller.timer);
    poller.timer = null;
    if (poller.stopped || document.hidden) {
      return;
    }
    poller.timer = window.setTimeout(function () {
      poll(poller);
    }, delay);
  }

  function backoff(poller) {
    poller.failures += 1;
    var base = Math.min(MAX_BACKOFF, poller.interval * 1000 * Math.pow(2, poller.failures));
    return base / 2 + Math.random() * (base / 2);
  }

  function poll(poller) {
    poller.timer = null;
    if (document.hidden || poller.stopped) {
      return;
    }
    fetch(poller.url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        followBanner(response.headers.get("X-Banner-Version"));
        var header = response.headers.get("X-Poll-Interval");
        if (header !== null && !isNaN(parseInt(header, 10))) {
          poller.interval = parseInt(header, 10);
          if (poller.interval <= 0) {
            poller.stopped = true;
          }
        }
        if (!response.ok) {
          throw new Error("feed answered " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        poller.failures = 0;
        var fetched = parseItems(html);
        poller.lists.forEach(function (list) {
          update(list, fetched);
        });
        schedule(poller, poller.interval * 1000);
      })
      .catch(function () {
        schedule(poller, backoff(poller));
      });
  }

  lists.forEach(function (list) {
    var button = newButton(list);
    if (button) {
      button.addEventListener("click", function () {
        flush(list, true);
      });
    }
  });

  document.addEventListener("visibilitychange", function () {
    pollers.forEach(function (poller) {
      if (document.hidden) {
        window.clearTimeout(poller.timer);
        poller.timer = null;
      } else if (!poller.timer) {
        schedule(poller, 0);
      }
    });
  });

  pollers.forEach(function (poller) {
    if (!poller.stopped) {
      schedule(poller, poller.interval * 1000);
    }
  });

  /* "Older news": fetch the next page and append its items (the link works without this). */
  if (moreLink) {
    moreLink.addEventListener("click", function (event) {
      var list = document.querySelector("ol.feed-list--page");
      if (!list) {
        return;
      }
      event.preventDefault();
      moreLink.setAttribute("aria-busy", "true");
      fetch(moreLink.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("older news answered " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var older = page.querySelector("ol.feed-list--page");
          var next = page.querySelector("a[data-feed-more]");
          var known = keysOf(list);
          var firstNew = null;
          Array.prototype.slice.call(older ? older.children : []).forEach(function (node) {
            var key = node.getAttribute("data-feed-key");
            var day = node.getAttribute("data-feed-day");
            if (key && known[key]) {
              return;
            }
            if (!key && node.classList.contains("feed-list__day") && dayHeading(list, day)) {
              return;
            }
            if (!key && !node.classList.contains("feed-list__day")) {
              return;
            }
            var copy = document.importNode(node, true);
            list.appendChild(copy);
            if (key && !firstNew) {
              firstNew = copy;
            }
          });
          if (next) {
            moreLink.href = new URL(next.getAttribute("href"), moreLink.href).href;
            moreLink.removeAttribute("aria-busy");
          } else {
            moreLink.parentElement.remove();
          }
          if (firstNew) {
            var link = firstNew.querySelector("a");
            if (link) {
              link.focus();
            }
          }
        })
        .catch(function () {
          window.location.href = moreLink.href;
        });
    });
  }
})();
