/* The HTML report: one self-contained page (report.h). No network, no
 * external script or style: the page carries its data as JSON in a
 * <script type="application/json"> element and its own small script, which
 * sorts the summary table and draws, for each leak, the growth chart (every
 * signal's readings per iteration, each on its own scale, the verdict's
 * window shaded and the horizon of each leaking signal that the run
 * reached marked) and the holder
 * chains of its explanation. The explanation text is in the page as text,
 * so it reads without the script too.
 *
 * Every drawn chart says so (data-drawn = the series drawn), and a script
 * error is written into the page (#lc-errors): tests open the page in a
 * headless browser and read both from its DOM. A link to the page ending
 * in #sort=verdict, #sort=growth or #sort=time opens it sorted so. */
#include "formats.h"

#include <string.h>

#include "job.h"

/* HTML text of any bytes: markup escaped, control bytes '?', invalid UTF-8
 * U+FFFD. */
static void html_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t n = lc_report_utf8_len(p);

        if (n == 0) {
            fputs("\xef\xbf\xbd", f);
            p++;
            continue;
        }
        if (n > 1)
            fwrite(p, 1, n, f);
        else if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (*p == '"')
            fputs("&quot;", f);
        else if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            fputc('?', f);
        else
            fputc(*p, f);
        p += n;
    }
}

/* JSON inside a <script> element: '<', '>' and '&' only ever occur inside
 * strings there, where \u003c and friends mean the same, so "</script>"
 * and "<!--" cannot end or bend the element. Invalid UTF-8 is U+FFFD and
 * control bytes are escaped, so JSON.parse takes it. */
static void script_json_text(FILE *f, const char *s, bool quote)
{
    const unsigned char *p = (const unsigned char *)s;

    if (quote)
        fputc('"', f);
    for (; *p;) {
        size_t n = lc_report_utf8_len(p);

        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        if (n > 1)
            fwrite(p, 1, n, f);
        else if (*p == '<' || *p == '>' || *p == '&')
            fprintf(f, "\\u%04x", *p);
        else if (quote && (*p == '"' || *p == '\\'))
            fprintf(f, "\\%c", *p);
        else if (quote && (*p < 0x20 || *p == 0x7f))
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
        p += n;
    }
    if (quote)
        fputc('"', f);
}

/* One case's readings: {"t": [...], "s": {"py_blocks": [...], ...},
 * "h": {signal: horizon}, "w": [from, to], "leaking": [signal, ...]}. */
static void data_readings(FILE *f, const struct lc_result *r)
{
    const struct lc_readings *rd = &r->readings;
    long n = rd->n < LC_READINGS_MAX ? rd->n : LC_READINGS_MAX;

    fputs("{\"t\": [", f);
    for (long i = 0; i < n; i++)
        fprintf(f, "%s%ld", i ? "," : "", rd->t[i]);
    fputs("], \"s\": {", f);
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        fprintf(f, "%s\"%s\": [", s ? ", " : "", lc_signal_name(s));
        for (long i = 0; i < n; i++)
            fprintf(f, "%s%lld", i ? "," : "", (long long)rd->v[s][i]);
        fputs("]", f);
    }
    fputs("}, \"unit\": {", f);
    for (int s = 0; s < LC_SIG_COUNT; s++)
        fprintf(f, "%s\"%s\": \"%s\"", s ? ", " : "", lc_signal_name(s),
                lc_signal_unit(s));
    fputs("}, \"h\": {", f);
    for (int s = 0; s < LC_SIG_COUNT; s++)
        fprintf(f, "%s\"%s\": %ld", s ? ", " : "", lc_signal_name(s),
                rd->horizon[s]);
    fprintf(f, "}, \"w\": [%ld, %ld], \"leaking\": [", rd->window_from,
            rd->window_to);
    for (int s = 0, first = 1; s < LC_SIG_COUNT; s++)
        if (r->leaking & (1u << s)) {
            fprintf(f, "%s\"%s\"", first ? "" : ", ", lc_signal_name(s));
            first = 0;
        }
    fputs("]}", f);
}

/* The page's data: per leak, its readings and its explanation's holders. */
static void data_block(FILE *f, const struct lc_case *cases,
                       const struct lc_result *results, size_t n)
{
    fputs("<script type=\"application/json\" id=\"lc-data\">[", f);
    for (size_t i = 0, first = 1; i < n; i++) {
        const struct lc_result *r = &results[i];

        if (r->verdict != LC_VERDICT_LEAK)
            continue;
        fprintf(f, "%s\n{\"row\": %zu, \"name\": ", first ? "" : ",", i);
        script_json_text(f, cases[i].id[0] ? cases[i].id : cases[i].path,
                         true);
        fputs(", \"readings\": ", f);
        data_readings(f, r);
        fputs(", \"explanation\": ", f);
        if (r->explain_json && r->explain_json[0] == '{')
            script_json_text(f, r->explain_json, false);
        else
            fputs("null", f);
        fputs("}", f);
        first = 0;
    }
    fputs("]</script>\n", f);
}

/* A leak's growth, short: "py_blocks +1/it py_bytes +16/it". */
static void growth_text(FILE *f, const struct lc_result *r)
{
    for (int s = 0, first = 1; s < LC_SIG_COUNT; s++)
        if (r->leaking & (1u << s)) {
            fprintf(f, "%s%s %+.3g/it", first ? "" : " ", lc_signal_name(s),
                    r->trend[s].per_iter);
            first = 0;
        }
}

/* The summary table: a row per case or test, sortable by its data-*. */
static void summary_table(FILE *f, const struct lc_case *cases,
                          const struct lc_result *results, size_t n)
{
    fputs("<table id=\"lc-summary\"><thead><tr><th>#</th>"
          "<th data-key=\"verdict\">verdict</th><th>test</th>"
          "<th data-key=\"growth\">growth</th>"
          "<th data-key=\"time\">time (s)</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < n; i++) {
        const struct lc_case *c = &cases[i];
        const struct lc_result *r = &results[i];
        bool ok = lc_report_ok(c, r);
        const char *b = lc_report_baseline_word(c, r);
        double growth = 0;

        for (int s = 0; s < LC_SIG_COUNT; s++)
            if (r->leaking & (1u << s) &&
                (s == LC_SIG_PY_BYTES || s == LC_SIG_NATIVE))
                growth += r->trend[s].per_iter;
        fprintf(f,
                "<tr class=\"%s\" data-verdict=\"%d%s\" data-growth=\"%.6g\" "
                "data-time=\"%.3f\"><td>%zu</td><td>%s %s%s%s</td>"
                "<td class=\"id\">",
                ok ? "ok" : "fail", ok, lc_verdict_name(r->verdict), growth,
                r->elapsed_s, i + 1, ok ? "ok" : "FAIL",
                lc_verdict_name(r->verdict), b ? ", " : "", b ? b : "");
        if (r->verdict == LC_VERDICT_LEAK)
            fprintf(f, "<a href=\"#lc-case-%zu\">", i);
        html_text(f, c->id[0] ? c->id : c->path);
        fputs(r->verdict == LC_VERDICT_LEAK ? "</a></td><td>" : "</td><td>",
              f);
        growth_text(f, r);
        fprintf(f, "</td><td>%.2f</td></tr>\n", r->elapsed_s);
    }
    fputs("</tbody></table>\n", f);
}

/* Per leak: its heading, the chart the script draws, the holder chains'
 * place, and the explanation text. */
static void leak_sections(FILE *f, const struct lc_case *cases,
                          const struct lc_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct lc_result *r = &results[i];

        if (r->verdict != LC_VERDICT_LEAK)
            continue;
        fprintf(f, "<section class=\"leak\" id=\"lc-case-%zu\"><h2>", i);
        html_text(f, cases[i].id[0] ? cases[i].id : cases[i].path);
        fputs("</h2><p>", f);
        growth_text(f, r);
        fprintf(f, ", %s (%ld measured iterations)</p>\n",
                lc_plan_reason_name(r->reason), r->measured);
        fprintf(f,
                "<svg class=\"lc-chart\" data-row=\"%zu\" width=\"720\" "
                "height=\"260\" role=\"img\"></svg>\n"
                "<div class=\"lc-holders\" data-row=\"%zu\"></div>\n",
                i, i);
        if (r->explain_text) {
            fputs("<details open><summary>explanation</summary><pre>", f);
            html_text(f, r->explain_text);
            fputs("</pre></details>\n", f);
        } else {
            fputs("<p class=\"none\">no explanation (--no-explain, or a "
                  "suite's test)</p>\n",
                  f);
        }
        fputs("</section>\n", f);
    }
}

static const char page_style[] =
    "body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse}td,th{padding:2px 8px;"
    "border-bottom:1px solid #ddd;text-align:left}"
    "th[data-key]{cursor:pointer;text-decoration:underline dotted}"
    "tr.fail td{color:#b00}td.id{font-family:monospace}"
    "pre{background:#f6f6f6;padding:8px;overflow:auto}"
    "svg.lc-chart{border:1px solid #ccc;background:#fff}"
    ".lc-holders div{font-family:monospace;margin:2px 0}"
    "#lc-errors{color:#b00}";

/* The page's script: sorting, charts, holder chains. Kept in one string
 * so the page needs nothing else. */
static const char page_script[] =
    "(function(){'use strict';"
    "var errs=document.getElementById('lc-errors');"
    "window.addEventListener('error',function(e){var d=document."
    "createElement('div');d.className='lc-error';d.textContent=String(e."
    "message);errs.appendChild(d);});"
    "var NS='http://www.w3.org/2000/svg';"
    "function el(n,a,p){var e=document.createElementNS(NS,n);for(var k in a)"
    "e.setAttribute(k,a[k]);if(p)p.appendChild(e);return e;}"
    "var tb=document.querySelector('#lc-summary tbody'),dir={};"
    "document.querySelectorAll('#lc-summary th[data-key]').forEach(function"
    "(th){th.addEventListener('click',function(){var k=th.dataset.key;"
    "dir[k]=-(dir[k]||-1);var rows=Array.prototype.slice.call(tb.rows);"
    "rows.sort(function(a,b){var x=a.dataset[k],y=b.dataset[k];"
    "var nx=parseFloat(x),ny=parseFloat(y);var c=(isNaN(nx)||isNaN(ny)||"
    "k==='verdict')?(x<y?-1:x>y?1:0):nx-ny;return c*dir[k];});"
    "rows.forEach(function(r){tb.appendChild(r);});});});"
    "var want=/^#sort=(\\w+)$/.exec(location.hash);if(want){var th=document."
    "querySelector('#lc-summary th[data-key=\"'+want[1]+'\"]');if(th)th."
    "click();}"
    "var colors=['#1f77b4','#d62728','#2ca02c','#9467bd','#ff7f0e',"
    "'#8c564b'];"
    "function chart(svg,d){var W=720,H=260,L=50,R=170,T=14,B=30;"
    "var rd=d.readings,t=rd.t,xmax=t.length?t[t.length-1]:1;"
    "var hmin=0;rd.leaking.forEach(function(s){if(!hmin||rd.h[s]<hmin)"
    "hmin=rd.h[s];});if(hmin>xmax)xmax=hmin;"
    "if(xmax<=0)xmax=1;function X(v){return L+(W-L-R)*v/xmax;}"
    "el('rect',{x:X(rd.w[0]),y:T,width:Math.max(1,X(rd.w[1])-X(rd.w[0])),"
    "height:H-T-B,fill:'#fde9b0',class:'window'},svg);"
    "el('line',{x1:L,y1:H-B,x2:W-R,y2:H-B,stroke:'#444'},svg);"
    "var tx=el('text',{x:L,y:H-8,'font-size':11},svg);tx.textContent="
    "'iterations after warm-up: 0 .. '+xmax+' (shaded: the verdict\\'s "
    "window)';"
    "var hz={};rd.leaking.forEach(function(s){(hz[rd.h[s]]=hz[rd.h[s]]||"
    "[]).push(s);});Object.keys(hz).forEach(function(v){if(+v>xmax)return;var "
    "x=X(+v);"
    "el('line',{x1:x,y1:T,x2:x,y2:H-B,stroke:'#b00','stroke-dasharray':"
    "'4 3',class:'horizon'},svg);var h=el('text',{x:x-4,y:T+10,"
    "'font-size':10,'text-anchor':'end',fill:'#b00'},svg);h.textContent="
    "'horizon '+v+' ('+hz[v].join(', ')+')';});"
    "var drawn=0,i=0;Object.keys(rd.s).forEach(function(s){var v=rd.s[s];"
    "if(!v.length)return;var lo=Math.min.apply(null,v),hi=Math.max.apply("
    "null,v),span=hi-lo||1,pts=[];for(var k=0;k<v.length;k++)pts.push(X("
    "t[k]).toFixed(1)+','+(H-B-(H-T-B)*(v[k]-lo)/span).toFixed(1));"
    "var c=colors[i%colors.length],lk=rd.leaking.indexOf(s)>=0;"
    "el('polyline',{points:pts.join(' '),fill:'none',stroke:c,"
    "'stroke-width':lk?2.5:1,class:'series','data-signal':s},svg);"
    "var g=el('text',{x:W-R+8,y:T+12+i*34,'font-size':11,fill:c},svg);"
    "g.textContent=s+(lk?' (leaking)':'');var g2=el('text',{x:W-R+8,"
    "y:T+25+i*34,'font-size':10,fill:'#555'},svg);g2.textContent=lo+' .. '"
    "+hi+' '+rd.unit[s];i++;drawn++;});"
    "svg.setAttribute('data-drawn',String(drawn));}"
    "function holders(div,ex){if(!ex||!ex.holders||!ex.holders.length){"
    "div.textContent=ex?'no holder chain found':'';return;}"
    "var h=document.createElement('h3');h.textContent='who holds it';"
    "div.appendChild(h);ex.holders.forEach(function(hd){var row=document."
    "createElement('div');var parts=(hd.steps||[]).map(function(st){"
    "return st.via+' ('+st.type+')';});row.textContent=hd.type+': '+"
    "(parts.length?parts.join(' \\u2192 '):(hd.chain||hd.status));"
    "div.appendChild(row);});}"
    "JSON.parse(document.getElementById('lc-data').textContent).forEach("
    "function(d){chart(document.querySelector('svg.lc-chart[data-row=\"'+"
    "d.row+'\"]'),d);holders(document.querySelector('.lc-holders"
    "[data-row=\"'+d.row+'\"]'),d.explanation);});"
    "document.body.setAttribute('data-ready','1');})();";

void lc_format_html_write(FILE *f, const struct lc_case *cases,
                          const struct lc_result *results, size_t n,
                          const struct lc_summary *sum)
{
    const char *noun = sum->tests ? "tests" : "cases";

    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
            "charset=\"utf-8\"><title>leakcheck: %zu %s, %zu not as "
            "expected</title><style>%s</style></head><body>\n<h1>leakcheck"
            "</h1>\n<p id=\"lc-totals\">%zu %s: ",
            sum->cases, noun, sum->cases - sum->ok, page_style, sum->cases,
            noun);
    for (int v = 0; v < LC_VERDICT_COUNT; v++)
        if (v != LC_VERDICT_SKIPPED || sum->by_verdict[v])
            fprintf(f, "%s%zu %s", v ? ", " : "", sum->by_verdict[v],
                    lc_verdict_name(v));
    fprintf(f, "; %zu as expected, %zu not", sum->ok, sum->cases - sum->ok);
    if (sum->baseline)
        fprintf(f, "; %zu known, %zu fixed", sum->known, sum->fixed);
    fprintf(f, "; %.1f s%s</p>\n<div id=\"lc-errors\"></div>\n",
            sum->elapsed_s, sum->interrupted ? " (interrupted)" : "");
    summary_table(f, cases, results, n);
    leak_sections(f, cases, results, n);
    data_block(f, cases, results, n);
    fprintf(f, "<script>%s</script>\n</body></html>\n", page_script);
}
