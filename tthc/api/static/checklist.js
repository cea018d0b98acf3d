// The print button of the checklist page (the content policy allows no inline script).
document.getElementById("print").addEventListener("click", function () { window.print(); });
