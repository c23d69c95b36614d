/* The image picker window: choosing an image hands it back to the body editor's figure
   dialog, through the callback the editor registered when it opened this window
   (django-prose-editor's Figure "pickerUrl": window.opener.CKEDITOR.tools.callFunction). */
(function () {
  "use strict";
  var root = document.querySelector(".image-picker[data-callback]");
  if (!root) { return; }
  var callback = root.getAttribute("data-callback");
  var opener = window.opener;
  var connected = Boolean(
    callback && opener && opener.CKEDITOR && opener.CKEDITOR.tools &&
    typeof opener.CKEDITOR.tools.callFunction === "function"
  );
  if (!connected) {
    var notice = document.getElementById("image-picker-no-editor");
    if (notice) { notice.hidden = false; }
    return;
  }
  root.addEventListener("click", function (event) {
    var choice = event.target.closest(".image-picker__choice");
    if (!choice) { return; }
    opener.CKEDITOR.tools.callFunction(Number(callback), choice.getAttribute("data-url"), {
      id: choice.getAttribute("data-id"),
      alternative_text: choice.getAttribute("data-alt"),
      caption: choice.getAttribute("data-caption")
    });
    window.close();
  });
})();
