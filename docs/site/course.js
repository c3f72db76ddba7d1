/* The course's additions to the book theme (docs/site/conf.py loads this file). */
document.addEventListener("DOMContentLoaded", function () {
  /* The theme's search button reads "Search Ctrl+K" but is named "Search" (axe:
     label-content-name-mismatch): let its visible text be its name. */
  document.querySelectorAll("button.search-button__button, button.search-button-field").forEach(
    function (button) { button.removeAttribute("aria-label"); });
  /* A figure opens full size on click (its text is small in the page's column). */
  document.querySelectorAll(".cell_output img").forEach(function (img) {
    if (img.closest("a")) { return; }
    var link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.title = "Open the figure full size";
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
  });
});
