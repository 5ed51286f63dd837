// Runs before the first paint (a classic script, no inline code under the CSP): applies the
// remembered theme override and language so the page does not flash in the wrong scheme.
(function () {
  var root = document.documentElement;
  try {
    var theme = localStorage.getItem('xy.theme');
    if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
    var lang = localStorage.getItem('xy.lang');
    if (lang === 'en' || lang === 'zh-CN') root.setAttribute('lang', lang);
  } catch (e) {
    /* storage blocked: follow the system */
  }
})();
