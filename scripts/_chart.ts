import { writeFileSync } from 'node:fs';
import { trendChartPng } from '../src/render/chart.js';
const pts = ['2026-10-12','2026-10-19','2026-10-26','2026-11-02','2026-11-09','2026-11-16','2026-11-23'].flatMap((w,i)=>[{week:w,series:'王芳 wang.fang@contoso-partner.example',value:0.6+i*0.02},{week:w,series:'Ana Lima',value:0.5+i*0.01}]);
writeFileSync('/tmp/p20/zh.png', await trendChartPng(pts,{title:'过去 12 周的使用率（调整后）',width:606,height:280,locale:'zh-CN',yTitle:'使用率'}));
writeFileSync('/tmp/p20/en.png', await trendChartPng(pts,{title:'Usage % (adjusted) over the last 12 weeks',width:606,height:280,locale:'en'}));
