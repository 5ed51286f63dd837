// Runs before the first paint (a classic script, no inline code under the CSP): applies the
// remembered theme override and language so the page does not flash in the wrong scheme, and
// starts fetching the strings of that language while the modules load.
(function () {
  var root = document.documentElement;
  var lang = 'zh-CN';
  try {
    var theme = localStorage.getItem('xy.theme');
    if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
    var l = localStorage.getItem('xy.lang');
    if (l === 'en' || l === 'zh-CN') lang = l;
  } catch (e) {
    /* storage blocked: follow the system */
  }
  root.setAttribute('lang', lang);
  var script = document.currentScript;
  if (script && script.src) {
    var link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'fetch';
    link.crossOrigin = 'anonymous';
    link.href = new URL('i18n/' + lang + '.json', script.src).href;
    document.head.appendChild(link);
  }
})();
