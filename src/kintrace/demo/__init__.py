"""kintrace.demo"""
